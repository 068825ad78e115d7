/**
 * The dispatcher's reads and writes, all inside its per-queue transaction. Lock order is queue
 * row → entries → tasks, and every lock is taken with SKIP LOCKED: the dispatcher never waits
 * for a lock, so it can never deadlock with a user's cancel, move or purge (those just make it
 * skip a row, or a queue, for one pass).
 */
import type { EntityManager } from "typeorm";
import { AbortedError } from "../domain/errors.js";
import { QueueEntity, TaskEntity, TaskEventEntity, type QueueRow } from "../infra/db/entities.js";
import { dbCall } from "../infra/db/errors.js";
import { rowToTask } from "../tasks/mapping.js";
import { WAITING_REASON } from "../tasks/status.js";
import type { Task } from "../tasks/types.js";
import { interleave, readCursors, type FairCursors } from "./fairness.js";
import { rowToQueue } from "./repository.js";
import type { BucketState } from "./token-bucket.js";
import type { Queue } from "./types.js";

export interface DispatchState {
  queue: Queue;
  bucket: BucketState;
  fairnessCursors: FairCursors;
}

/** A queue entry the dispatcher holds locked. */
export interface Claim {
  taskId: string;
  priority: number;
  position: number;
  fairnessValue: string;
  enqueueTime: Date;
}

interface ClaimRow {
  task_id: string;
  priority: number;
  position: number;
  fairness_value: string;
  enqueue_time: Date;
}

const CLAIM_COLUMNS = "task_id, priority, position, fairness_value, enqueue_time";

export class DispatchRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Locks the queue row, or undefined when another dispatcher (or an admin change) holds it. */
  async lockQueue(tenant: string, name: string): Promise<DispatchState | undefined> {
    const row: QueueRow | null = await dbCall(() =>
      this.manager
        .createQueryBuilder(QueueEntity, "q")
        .where("q.tenant = :tenant AND q.name = :name", { tenant, name })
        .setLock("pessimistic_write")
        .setOnLocked("skip_locked")
        .getOne(),
    );
    if (!row) return undefined;
    return {
      queue: rowToQueue(row),
      bucket: { tokens: Number(row.rateTokens), refillTime: row.rateRefillTime },
      fairnessCursors: readCursors(row.fairnessCursors),
    };
  }

  async saveState(tenant: string, name: string, bucket: BucketState, fairnessCursors: FairCursors): Promise<void> {
    // update_time stays: it tells when an operator last changed the queue.
    await dbCall(() =>
      this.manager.update(QueueEntity, { tenant, name }, { rateTokens: bucket.tokens, rateRefillTime: bucket.refillTime, fairnessCursors: { ...fairnessCursors } }),
    );
  }

  /** Up to `limit` head entries in (priority DESC, position) order, locked. */
  async claimHead(tenant: string, queue: string, limit: number): Promise<Claim[]> {
    const rows: ClaimRow[] = await dbCall(() =>
      this.manager.query(
        `SELECT ${CLAIM_COLUMNS} FROM queue_entries WHERE tenant = ? AND queue = ?
          ORDER BY priority DESC, position, task_id LIMIT ? FOR UPDATE SKIP LOCKED`,
        [tenant, queue, limit],
      ),
    );
    return rows.map(toClaim);
  }

  /**
   * Up to `limit` entries in fair dispatch order, locked: band by band (priority DESC), the
   * band's fairness values take turns starting after the band's cursor, each value's entries in
   * position order. Reads at most `limit` entries of each value through ix_queue_entries_fair, so a flood of one value
   * costs nothing here.
   */
  async claimFair(tenant: string, queue: string, cursors: FairCursors, limit: number): Promise<Claim[]> {
    const picked: Claim[] = [];
    let above = Number.MAX_SAFE_INTEGER;
    while (picked.length < limit) {
      const need = limit - picked.length;
      const [band]: Array<{ p: number | null }> = await dbCall(() =>
        this.manager.query(`SELECT MAX(priority) AS p FROM queue_entries WHERE tenant = ? AND queue = ? AND priority < ?`, [tenant, queue, above]),
      );
      if (band?.p === null || band?.p === undefined) break;
      const priority = band.p;
      above = priority;
      const values = (await this.bandValues(tenant, queue, priority, cursors[String(priority)] ?? "", need)).map((v) => ({ v }));
      // Up to `need` entries per value: a value that runs out early leaves its turns to the
      // others of the band, which is only left for a lower one once it is exhausted.
      // `k` (a literal index, never user text) tells which value a row was read for, whatever the collation says.
      const heads: Array<ClaimRow & { k: number }> = await dbCall(() =>
        this.manager.query(
          values
            .map(
              (_v, k) =>
                `(SELECT ${k} AS k, ${CLAIM_COLUMNS} FROM queue_entries WHERE tenant = ? AND queue = ? AND priority = ? AND fairness_value = ? ORDER BY position, task_id LIMIT ${need})`,
            )
            .join(" UNION ALL "),
          values.flatMap(({ v }) => [tenant, queue, priority, v]),
        ),
      );
      const byValue = new Map<string, Claim[]>();
      for (const row of heads) {
        const list = byValue.get(String(row.k)) ?? [];
        list.push(toClaim(row));
        byValue.set(String(row.k), list);
      }
      for (const list of byValue.values()) list.sort((a, b) => a.position - b.position || (a.taskId < b.taskId ? -1 : 1));
      picked.push(...interleave(values.map((_v, k) => String(k)), byValue, need));
    }
    if (picked.length === 0) return [];
    const locked: Array<{ task_id: string }> = await dbCall(() =>
      this.manager.query(`SELECT task_id FROM queue_entries WHERE task_id IN (?) FOR UPDATE SKIP LOCKED`, [picked.map((c) => c.taskId)]),
    );
    const lockedIds = new Set(locked.map((r) => r.task_id));
    return picked.filter((c) => lockedIds.has(c.taskId));
  }

  /**
   * Up to `limit` distinct fairness values of a band in rotation order — those after `cursor`,
   * then from the start up to it — one index dive (MIN) per value, so a band's size costs nothing.
   * Comparisons stay in SQL, under the column's collation, as ListQueueEntries orders them.
   */
  private async bandValues(tenant: string, queue: string, priority: number, cursor: string, limit: number): Promise<string[]> {
    const values: string[] = [];
    const next = async (after: string | null, upTo: string | null): Promise<string | null> => {
      const [row]: Array<{ v: string | null }> = await dbCall(() =>
        this.manager.query(
          `SELECT MIN(fairness_value) AS v FROM queue_entries WHERE tenant = ? AND queue = ? AND priority = ?
             ${after === null ? "" : "AND fairness_value > ?"} ${upTo === null ? "" : "AND fairness_value <= ?"}`,
          [tenant, queue, priority, ...(after === null ? [] : [after]), ...(upTo === null ? [] : [upTo])],
        ),
      );
      return row?.v ?? null;
    };
    for (let v = await next(cursor, null); v !== null && values.length < limit; v = await next(v, null)) values.push(v);
    for (let v = await next(null, cursor); v !== null && values.length < limit; v = await next(v, cursor)) values.push(v);
    return values;
  }

  /** Locks the tasks of claimed entries; a task another transaction holds is left out. */
  async lockTasks(tenant: string, ids: readonly string[]): Promise<Map<string, Task>> {
    if (ids.length === 0) return new Map();
    const rows = await dbCall(() =>
      this.manager
        .createQueryBuilder(TaskEntity, "t")
        .where("t.tenant = :tenant AND t.id IN (:...ids)", { tenant, ids })
        .setLock("pessimistic_write")
        .setOnLocked("skip_locked")
        .getMany(),
    );
    return new Map(rows.map((r) => [r.id, rowToTask(r)]));
  }

  /**
   * QUEUED → QUEUED (reason DISPATCHED: handed to Temporal, waiting for a worker; it holds a
   * slot of its queue from now on) for tasks this transaction holds locked, in three statements
   * however many: the same rows TaskRepository.transition writes one task at a time
   * (compare-and-set on the status and version + 1, then one DISPATCHED event each, in the given
   * order). A worker's StartTaskRun makes it RUNNING. Returns the tasks as they now are.
   */
  async markDispatched(tasks: readonly Task[], change: { actor: string; message: string; time: Date }): Promise<Task[]> {
    if (tasks.length === 0) return [];
    const tenant = tasks[0]!.tenant;
    const ids = tasks.map((t) => t.id);
    return dbCall(async () => {
      const result: { affectedRows?: number } = await this.manager.query(
        `UPDATE tasks SET status_reason = '${WAITING_REASON}', status_message = ?, update_time = ?, start_time = NULL,
                workflow_id = id, workflow_run_id = NULL, dedupe_live = dedupe_key, version = version + 1
          WHERE tenant = ? AND id IN (?) AND status = 'QUEUED'`,
        [change.message, change.time, tenant, ids],
      );
      if (result.affectedRows !== tasks.length) throw new AbortedError("tasks changed while they were being dispatched");
      await this.manager.insert(
        TaskEventEntity,
        tasks.map((t) => ({
          tenant,
          taskId: t.id,
          time: change.time,
          actor: change.actor,
          fromStatus: "QUEUED",
          toStatus: "QUEUED",
          reason: WAITING_REASON,
          message: change.message,
          attempt: t.attempt,
        })),
      );
      const rows = await this.manager.createQueryBuilder(TaskEntity, "t").where("t.tenant = :tenant AND t.id IN (:...ids)", { tenant, ids }).getMany();
      const byId = new Map(rows.map((r) => [r.id, rowToTask(r)]));
      return ids.map((id) => byId.get(id)!);
    });
  }

  async removeEntries(tenant: string, taskIds: readonly string[]): Promise<void> {
    if (taskIds.length === 0) return;
    await dbCall(() => this.manager.query(`DELETE FROM queue_entries WHERE tenant = ? AND task_id IN (?)`, [tenant, taskIds]));
  }
}

function toClaim(r: ClaimRow): Claim {
  return { taskId: r.task_id, priority: r.priority, position: Number(r.position), fairnessValue: r.fairness_value, enqueueTime: r.enqueue_time };
}
