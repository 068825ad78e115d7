/**
 * Dispatch order as SQL, for ListQueueEntries and MoveTask. The order is the dispatcher's
 * (dispatch-repository.ts): priority DESC, then — in a queue with a fairness key — the k-th
 * entries of every fairness value in rotation after the band's cursor, then position.
 * Without a fairness key every entry has the value "", which makes that plain
 * (priority DESC, position) order; plain queues use the index directly.
 */
import type { EntityManager } from "typeorm";
import { dbCall } from "../infra/db/errors.js";
import type { FairCursors } from "./fairness.js";
import { POSITION_GAP } from "./positions.js";
import type { QueueEntryView } from "./types.js";

/** A neighbour in a band: enough to place a task next to it. */
export interface BandEntry {
  taskId: string;
  position: number;
}

interface EntryRow {
  task_id: string;
  priority: number;
  enqueue_time: Date;
  name: string;
  type: string;
}

/** Entries with the ROW_NUMBER that makes fair order: rn = place within (band, fairness value). */
const RANKED = `SELECT e.task_id, e.priority, e.position, e.enqueue_time, e.fairness_value,
         ROW_NUMBER() OVER (PARTITION BY e.priority, e.fairness_value ORDER BY e.position, e.task_id) AS rn
    FROM queue_entries e WHERE e.tenant = ? AND e.queue = ?`;
/** Within a band, values after the band's cursor (from the JSON parameter) take their turn first. */
const FAIR_ORDER = `x.priority DESC, x.rn,
  (x.fairness_value > CAST(COALESCE(JSON_UNQUOTE(JSON_EXTRACT(?, CONCAT('$."', x.priority, '"'))), '') AS CHAR CHARACTER SET utf8mb4) COLLATE utf8mb4_unicode_ci) DESC,
  x.fairness_value, x.position, x.task_id`;

export class OrderRepository {
  constructor(private readonly manager: EntityManager) {}

  /** One page of entries in dispatch order, starting at `offset`. */
  async list(tenant: string, queue: string, fair: { cursors: FairCursors } | undefined, offset: number, limit: number): Promise<QueueEntryView[]> {
    const rows: EntryRow[] = await dbCall(() =>
      fair
        ? this.manager.query(
            `SELECT x.task_id, x.priority, x.enqueue_time, t.name, t.type FROM (${RANKED}) x
               JOIN tasks t ON t.tenant = ? AND t.id = x.task_id
              ORDER BY ${FAIR_ORDER} LIMIT ? OFFSET ?`,
            [tenant, queue, tenant, JSON.stringify(fair.cursors), limit, offset],
          )
        : this.manager.query(
            `SELECT e.task_id, e.priority, e.enqueue_time, t.name, t.type FROM queue_entries e
               JOIN tasks t ON t.tenant = e.tenant AND t.id = e.task_id
              WHERE e.tenant = ? AND e.queue = ? ORDER BY e.priority DESC, e.position, e.task_id LIMIT ? OFFSET ?`,
            [tenant, queue, limit, offset],
          ),
    );
    return rows.map((r, i) => ({ taskId: r.task_id, taskName: r.name, taskType: r.type, priority: r.priority, enqueueTime: r.enqueue_time, index: offset + i }));
  }

  /** 0-based place of a task in dispatch order. */
  async indexOf(tenant: string, queue: string, fair: { cursors: FairCursors } | undefined, taskId: string): Promise<number> {
    if (fair) {
      const [row]: Array<{ rk: string }> = await dbCall(() =>
        this.manager.query(`SELECT y.rk FROM (SELECT x.task_id, ROW_NUMBER() OVER (ORDER BY ${FAIR_ORDER}) AS rk FROM (${RANKED}) x) y WHERE y.task_id = ?`, [
          JSON.stringify(fair.cursors),
          tenant,
          queue,
          taskId,
        ]),
      );
      return row ? Number(row.rk) - 1 : -1;
    }
    const [row]: Array<{ n: string }> = await dbCall(() =>
      this.manager.query(
        `SELECT COUNT(*) AS n FROM queue_entries e JOIN queue_entries me ON me.task_id = ?
          WHERE e.tenant = ? AND e.queue = ?
            AND (e.priority > me.priority OR (e.priority = me.priority AND (e.position < me.position OR (e.position = me.position AND e.task_id < me.task_id))))`,
        [taskId, tenant, queue],
      ),
    );
    return Number(row?.n ?? 0);
  }

  /**
   * Entries of a band next to `from` (excluding `exclude`), nearest first: towards the head
   * (`before`) or the tail, skipping `skip` of them.
   */
  async neighbours(tenant: string, queue: string, priority: number, from: BandEntry, direction: "before" | "after", exclude: string, skip: number, limit: number): Promise<BandEntry[]> {
    const cmp = direction === "before" ? "<" : ">";
    const dir = direction === "before" ? "DESC" : "ASC";
    const rows: Array<{ task_id: string; position: number }> = await dbCall(() =>
      this.manager.query(
        `SELECT task_id, position FROM queue_entries
          WHERE tenant = ? AND queue = ? AND priority = ? AND task_id <> ?
            AND (position ${cmp} ? OR (position = ? AND task_id ${cmp} ?))
          ORDER BY position ${dir}, task_id ${dir} LIMIT ? OFFSET ?`,
        [tenant, queue, priority, exclude, from.position, from.position, from.taskId, limit, skip],
      ),
    );
    return rows.map((r) => ({ taskId: r.task_id, position: Number(r.position) }));
  }

  /** First or last entry of a band, excluding `exclude`. */
  async bandEnd(tenant: string, queue: string, priority: number, end: "head" | "tail", exclude: string): Promise<BandEntry | undefined> {
    const dir = end === "head" ? "ASC" : "DESC";
    const [row]: Array<{ task_id: string; position: number }> = await dbCall(() =>
      this.manager.query(
        `SELECT task_id, position FROM queue_entries WHERE tenant = ? AND queue = ? AND priority = ? AND task_id <> ?
          ORDER BY position ${dir}, task_id ${dir} LIMIT 1`,
        [tenant, queue, priority, exclude],
      ),
    );
    return row ? { taskId: row.task_id, position: Number(row.position) } : undefined;
  }

  async setPosition(tenant: string, taskId: string, position: number): Promise<void> {
    await dbCall(() => this.manager.query(`UPDATE queue_entries SET position = ? WHERE tenant = ? AND task_id = ?`, [position, tenant, taskId]));
  }

  /**
   * Spreads a band's entries POSITION_GAP apart, keeping their order and ending at `end` (a
   * position no later than what a new enqueue gets, so new tasks still join at the tail).
   */
  async renumberBand(tenant: string, queue: string, priority: number, end: number): Promise<void> {
    await dbCall(async () => {
      const [row]: Array<{ n: string }> = await this.manager.query(`SELECT COUNT(*) AS n FROM queue_entries WHERE tenant = ? AND queue = ? AND priority = ?`, [tenant, queue, priority]);
      const base = end - (Number(row?.n ?? 0) + 1) * POSITION_GAP;
      await this.manager.query(
        `UPDATE queue_entries e JOIN (
           SELECT task_id, ROW_NUMBER() OVER (ORDER BY position, task_id) AS rn FROM queue_entries WHERE tenant = ? AND queue = ? AND priority = ?
         ) r ON r.task_id = e.task_id
         SET e.position = ? + r.rn * ?`,
        [tenant, queue, priority, base, POSITION_GAP],
      );
    });
  }
}
