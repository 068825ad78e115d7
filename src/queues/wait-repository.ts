/**
 * The reads behind ExplainTaskWait that the queue repository has no use for: a task's priority
 * band, who holds a queue's slots, its fairness value's place, and recent handler starts. Every
 * query is scoped by tenant and queue and served by the indexes the dispatcher and GetQueueStats
 * use (queue_entries by tenant, queue, priority, position; tasks by tenant, queue, status / start_time).
 */
import type { EntityManager } from "typeorm";
import { dbCall } from "../infra/db/errors.js";
import { HOLDS_SLOT_SQL } from "../tasks/status.js";

export class WaitRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Entries queued at a higher priority than `priority`, and entries of that band. */
  async bandCounts(tenant: string, queue: string, priority: number): Promise<{ higher: number; band: number }> {
    const [row]: Array<{ higher: string | null; band: string | null }> = await dbCall(() =>
      this.manager.query(`SELECT SUM(priority > ?) AS higher, SUM(priority = ?) AS band FROM queue_entries WHERE tenant = ? AND queue = ?`, [priority, priority, tenant, queue]),
    );
    return { higher: Number(row?.higher ?? 0), band: Number(row?.band ?? 0) };
  }

  /** Up to `limit` ids of the tasks holding a slot of the queue (HOLDS_SLOT_SQL), longest held first. */
  async slotHolders(tenant: string, queue: string, limit: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await dbCall(() =>
      this.manager.query(`SELECT id FROM tasks WHERE tenant = ? AND queue = ? AND ${HOLDS_SLOT_SQL} ORDER BY COALESCE(start_time, update_time), id LIMIT ?`, [
        tenant,
        queue,
        limit,
      ]),
    );
    return rows.map((r) => r.id);
  }

  /** Entries of the same band and fairness value placed before the task's (they take its value's turns first). */
  async aheadWithValue(tenant: string, queue: string, entry: { taskId: string; priority: number; position: number; fairnessValue: string }): Promise<number> {
    const [row]: Array<{ n: string }> = await dbCall(() =>
      this.manager.query(
        `SELECT COUNT(*) AS n FROM queue_entries WHERE tenant = ? AND queue = ? AND priority = ? AND fairness_value = ?
            AND (position < ? OR (position = ? AND task_id < ?))`,
        [tenant, queue, entry.priority, entry.fairnessValue, entry.position, entry.position, entry.taskId],
      ),
    );
    return Number(row?.n ?? 0);
  }

  /** Handler starts on the queue since `since`: the rows GetQueueStats' dispatched_per_minute counts. */
  async startedSince(tenant: string, queue: string, since: Date): Promise<number> {
    const [row]: Array<{ n: string }> = await dbCall(() =>
      this.manager.query(`SELECT COUNT(*) AS n FROM tasks WHERE tenant = ? AND queue = ? AND start_time >= ? AND queue_time IS NOT NULL`, [tenant, queue, since]),
    );
    return Number(row?.n ?? 0);
  }
}
