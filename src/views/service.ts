/**
 * Saved-view use cases (docs/saved-views.md). Who sees what:
 * - a personal view exists only for its owner: anyone else — an admin too — gets NOT_FOUND, the
 *   answer an unknown id gets, so ids and names of others' personal views leak nothing;
 * - a shared view is readable by everyone of its tenant, changeable by its owner or an admin
 *   (PERMISSION_DENIED otherwise: the caller can see it, so NOT_FOUND would be a lie);
 * - another tenant's views are unknown ids (every query is tenant-scoped).
 * The role table (rpc/authz.ts) asks only viewer; the owner-or-admin rule depends on the row,
 * so it lives here. Shapes (ids, the ListTasks query) are validated at the edge, names here.
 */
import { v7 as uuidv7 } from "uuid";
import { grants, type Role } from "../auth/roles.js";
import { InvalidArgumentError, NotFoundError, PermissionDeniedError } from "../domain/errors.js";
import { decodeToken, encodeToken, invalidPageToken } from "../tasks/page-tokens.js";
import type { SavedViewRepository } from "./repository.js";
import { VIEW_NAME_MAX, VIEW_QUERY_MAX_BYTES, type NewSavedView, type SavedView, type SavedViewChanges, type SavedViewPage, type VisibleView } from "./types.js";

/** An authenticated caller (structurally an auth Identity). */
export interface ViewCaller {
  readonly tenant: string;
  readonly principal: string;
  readonly roles: readonly Role[];
}

export interface SavedViewServiceDeps {
  views: SavedViewRepository;
  now?: () => Date;
}

export class SavedViewService {
  private readonly now: () => Date;

  constructor(private readonly deps: SavedViewServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async create(caller: ViewCaller, input: NewSavedView): Promise<VisibleView> {
    const now = this.now();
    const view: SavedView = {
      id: uuidv7(),
      tenant: caller.tenant,
      owner: caller.principal,
      name: validName(input.name),
      shared: input.shared,
      query: boundedQuery(input.query),
      createTime: now,
      updateTime: now,
    };
    await this.deps.views.insert(view);
    return { ...view, editable: true };
  }

  async get(caller: ViewCaller, id: string): Promise<VisibleView> {
    return this.readable(caller, id);
  }

  async list(caller: ViewCaller, pageSize: number, pageToken: string): Promise<SavedViewPage> {
    const after = pageToken ? decodeViewToken(pageToken) : undefined;
    const rows = await this.deps.views.listVisible(caller.tenant, caller.principal, pageSize + 1, after);
    const views = rows.slice(0, pageSize).map((v) => visibleTo(caller, v));
    const last = views.at(-1);
    return { views, nextPageToken: rows.length > pageSize && last ? encodeToken("sv", JSON.stringify([last.name, last.id])) : "" };
  }

  async update(caller: ViewCaller, id: string, changes: SavedViewChanges): Promise<VisibleView> {
    const current = await this.editable(caller, id);
    const next: VisibleView = {
      ...current,
      ...(changes.name !== undefined ? { name: validName(changes.name) } : {}),
      ...(changes.shared !== undefined ? { shared: changes.shared } : {}),
      ...(changes.query !== undefined ? { query: boundedQuery(changes.query) } : {}),
      updateTime: this.now(),
    };
    await this.deps.views.update(next);
    return next;
  }

  async delete(caller: ViewCaller, id: string): Promise<void> {
    await this.editable(caller, id);
    await this.deps.views.delete(caller.tenant, id);
  }

  private async readable(caller: ViewCaller, id: string): Promise<VisibleView> {
    const view = await this.deps.views.get(caller.tenant, id);
    if (!view || (!view.shared && view.owner !== caller.principal)) throw new NotFoundError(`saved view "${id}" not found`);
    return visibleTo(caller, view);
  }

  private async editable(caller: ViewCaller, id: string): Promise<VisibleView> {
    const view = await this.readable(caller, id);
    if (!view.editable) throw new PermissionDeniedError(`saved view "${id}" is shared by ${view.owner}: only its owner or an admin may change or delete it`);
    return view;
  }
}

function visibleTo(caller: ViewCaller, view: SavedView): VisibleView {
  return { ...view, editable: view.owner === caller.principal || grants(caller.roles, "admin") };
}

/** Trimmed; 1–100 code points (what varchar(100) holds). */
function validName(name: string): string {
  const trimmed = name.trim();
  const length = Array.from(trimmed).length;
  if (length === 0 || length > VIEW_NAME_MAX) throw new InvalidArgumentError(`view.name: must be 1–${VIEW_NAME_MAX} characters, not blank (got ${length})`, "view.name");
  return trimmed;
}

function boundedQuery(query: SavedView["query"]): SavedView["query"] {
  const bytes = Buffer.byteLength(JSON.stringify(query));
  if (bytes > VIEW_QUERY_MAX_BYTES) throw new InvalidArgumentError(`view.query: is ${bytes} bytes as JSON; at most ${VIEW_QUERY_MAX_BYTES}`, "view.query");
  return query;
}

/** A page token: the last view's (name, id), as base64url JSON. */
function decodeViewToken(token: string): { name: string; id: string } {
  let position: unknown;
  try {
    position = JSON.parse(decodeToken(token, "sv"));
  } catch {
    throw invalidPageToken();
  }
  if (!Array.isArray(position) || position.length !== 2 || typeof position[0] !== "string" || typeof position[1] !== "string") throw invalidPageToken();
  return { name: position[0], id: position[1] };
}
