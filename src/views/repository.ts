/**
 * Saved views in MySQL, always scoped by tenant. Plain portable SQL (MySQL 8 and MariaDB: no
 * RETURNING); the unique name index (tenant, scope, name) is the one place the naming rule lives,
 * and its violation becomes ALREADY_EXISTS naming `view.name`.
 */
import type { EntityManager } from "typeorm";
import { AlreadyExistsError } from "../domain/errors.js";
import { dbCall } from "../infra/db/errors.js";
import type { SavedView } from "./types.js";

interface ViewRow {
  id: string;
  tenant: string;
  owner: string;
  name: string;
  shared: number | boolean;
  query: string;
  create_time: Date;
  update_time: Date;
}

const COLUMNS = "id, tenant, owner, name, shared, query, create_time, update_time";

export class SavedViewRepository {
  constructor(private readonly manager: EntityManager) {}

  async insert(view: SavedView): Promise<void> {
    await uniqueName(view, () =>
      this.manager.query(`INSERT INTO saved_views (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, [
        view.id,
        view.tenant,
        view.owner,
        view.name,
        view.shared,
        JSON.stringify(view.query),
        view.createTime,
        view.updateTime,
      ]),
    );
  }

  /** The tenant's view `id`, whoever owns it: who may see it is the service's rule. */
  async get(tenant: string, id: string): Promise<SavedView | undefined> {
    const rows = (await dbCall(() => this.manager.query(`SELECT ${COLUMNS} FROM saved_views WHERE tenant = ? AND id = ?`, [tenant, id]))) as ViewRow[];
    return rows[0] ? rowToView(rows[0]) : undefined;
  }

  /**
   * `owner`'s personal views and the tenant's shared ones, by name then id, strictly after
   * `after` (keyset). Both branches of the OR are prefixes of the unique index.
   */
  async listVisible(tenant: string, owner: string, limit: number, after?: { name: string; id: string }): Promise<SavedView[]> {
    const keyset = after ? "AND (name > ? OR (name = ? AND id > ?))" : "";
    const rows = (await dbCall(() =>
      this.manager.query(`SELECT ${COLUMNS} FROM saved_views WHERE tenant = ? AND (scope = '' OR scope = ?) ${keyset} ORDER BY name, id LIMIT ?`, [
        tenant,
        owner,
        ...(after ? [after.name, after.name, after.id] : []),
        limit,
      ]),
    )) as ViewRow[];
    return rows.map(rowToView);
  }

  /** Writes the view's name, shared flag, query and update time. */
  async update(view: SavedView): Promise<void> {
    await uniqueName(view, () =>
      this.manager.query(`UPDATE saved_views SET name = ?, shared = ?, query = ?, update_time = ? WHERE tenant = ? AND id = ?`, [
        view.name,
        view.shared,
        JSON.stringify(view.query),
        view.updateTime,
        view.tenant,
        view.id,
      ]),
    );
  }

  async delete(tenant: string, id: string): Promise<void> {
    await dbCall(() => this.manager.query(`DELETE FROM saved_views WHERE tenant = ? AND id = ?`, [tenant, id]));
  }
}

/** Runs a write; a duplicate key can only be the name index (ids are fresh UUIDs). */
async function uniqueName(view: SavedView, write: () => Promise<unknown>): Promise<void> {
  try {
    await dbCall(write);
  } catch (err) {
    if (!(err instanceof AlreadyExistsError)) throw err;
    const whose = view.shared ? "the tenant already has a shared view" : "you already have a personal view";
    throw new AlreadyExistsError(`view.name: ${whose} named "${view.name}"`, { cause: err });
  }
}

function rowToView(r: ViewRow): SavedView {
  return {
    id: r.id,
    tenant: r.tenant,
    owner: r.owner,
    name: r.name,
    shared: Boolean(Number(r.shared)),
    query: JSON.parse(r.query) as SavedView["query"],
    createTime: r.create_time,
    updateTime: r.update_time,
  };
}
