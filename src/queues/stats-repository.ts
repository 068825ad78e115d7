/**
 * The reads behind GetQueueStats, each scoped by tenant and queue: current counts, per-minute
 * history and per-project shares. Minute buckets are computed against a bound start time with
 * TIMESTAMPDIFF (portable to MySQL 8 and MariaDB 10.11, and independent of the session time zone,
 * unlike UNIX_TIMESTAMP on a datetime column).
 */
import type { EntityManager } from "typeorm";
import { dbCall } from "../infra/db/errors.js";
import { HOLDS_SLOT_SQL, WAITING_REASON } from "../tasks/status.js";
import type { QueueProjectShare } from "./types.js";

/** One minute bucket of the history: `minute` counts from the window's start. */
export interface StartedMinute {
  minute: number;
  started: number;
  /** Null when none of the tasks started in that minute has a queue time. */
  averageWaitMs: number | null;
}

export interface FinishedMinute {
  minute: number;
  finished: number;
}

/** A generous bound on the projects answered (most slots first): a message must stay small. */
export const MAX_PROJECTS = 500;

export class QueueStatsRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Queued / running counts, and the waits and dispatch rate over windows ending `now`. */
  async counts(tenant: string, queue: string, now: Date, averageWindowMs: number, rateWindowMs: number) {
    return dbCall(async () => {
      const [entries]: Array<{ queued: string; oldest: Date | null }> = await this.manager.query(
        `SELECT COUNT(*) AS queued, MIN(enqueue_time) AS oldest FROM queue_entries WHERE tenant = ? AND queue = ?`,
        [tenant, queue],
      );
      const [active]: Array<{ n: string }> = await this.manager.query(`SELECT COUNT(*) AS n FROM tasks WHERE tenant = ? AND queue = ? AND ${HOLDS_SLOT_SQL}`, [tenant, queue]);
      const [recent]: Array<{ avg_wait_ms: string | null; dispatched: string | null }> = await this.manager.query(
        `SELECT AVG(TIMESTAMPDIFF(MICROSECOND, queue_time, start_time)) / 1000 AS avg_wait_ms, SUM(start_time >= ?) AS dispatched
           FROM tasks WHERE tenant = ? AND queue = ? AND start_time >= ? AND queue_time IS NOT NULL`,
        [new Date(now.getTime() - rateWindowMs), tenant, queue, new Date(now.getTime() - averageWindowMs)],
      );
      return {
        queued: Number(entries?.queued ?? 0),
        oldestEnqueueTime: entries?.oldest ?? null,
        running: Number(active?.n ?? 0),
        averageWaitMs: Math.max(0, Number(recent?.avg_wait_ms ?? 0)),
        dispatchedInRateWindow: Number(recent?.dispatched ?? 0),
      };
    });
  }

  /** Handler starts per minute in [since, until) (ix_tasks_queue_started), with their average queue wait. */
  async startedPerMinute(tenant: string, queue: string, since: Date, until: Date): Promise<StartedMinute[]> {
    const rows: Array<{ bucket: string | number; started: string; avg_wait_ms: string | null }> = await dbCall(() =>
      this.manager.query(
        `SELECT TIMESTAMPDIFF(MINUTE, ?, start_time) AS bucket, COUNT(*) AS started,
                AVG(TIMESTAMPDIFF(MICROSECOND, queue_time, start_time)) / 1000 AS avg_wait_ms
           FROM tasks WHERE tenant = ? AND queue = ? AND start_time >= ? AND start_time < ?
          GROUP BY bucket`,
        [since, tenant, queue, since, until],
      ),
    );
    return rows.map((r) => ({ minute: Number(r.bucket), started: Number(r.started), averageWaitMs: r.avg_wait_ms === null ? null : Math.max(0, Number(r.avg_wait_ms)) }));
  }

  /**
   * Tasks reaching a terminal status per minute in [since, until): end_time is set exactly then
   * (and cleared by retry and reset), so no status test is needed and ix_tasks_queue_ended covers it.
   */
  async finishedPerMinute(tenant: string, queue: string, since: Date, until: Date): Promise<FinishedMinute[]> {
    const rows: Array<{ bucket: string | number; finished: string }> = await dbCall(() =>
      this.manager.query(
        `SELECT TIMESTAMPDIFF(MINUTE, ?, end_time) AS bucket, COUNT(*) AS finished
           FROM tasks WHERE tenant = ? AND queue = ? AND end_time >= ? AND end_time < ?
          GROUP BY bucket`,
        [since, tenant, queue, since, until],
      ),
    );
    return rows.map((r) => ({ minute: Number(r.bucket), finished: Number(r.finished) }));
  }

  /**
   * Per project: tasks holding a slot (HOLDS_SLOT_SQL) and tasks waiting in the queue (QUEUED, not
   * yet dispatched), most slots first. Reads the queue's live tasks through ix_tasks_queue_status.
   */
  async projects(tenant: string, queue: string): Promise<QueueProjectShare[]> {
    const rows: Array<{ project: string; running: string | null; queued: string | null }> = await dbCall(() =>
      this.manager.query(
        `SELECT project, SUM(${HOLDS_SLOT_SQL}) AS running, SUM(status = 'QUEUED' AND status_reason <> '${WAITING_REASON}') AS queued
           FROM tasks WHERE tenant = ? AND queue = ? AND status IN ('QUEUED', 'RUNNING', 'CANCELLING')
          GROUP BY project
          ORDER BY running DESC, queued DESC, project
          LIMIT ?`,
        [tenant, queue, MAX_PROJECTS],
      ),
    );
    return rows.map((r) => ({ project: r.project, running: Number(r.running ?? 0), queued: Number(r.queued ?? 0) }));
  }
}
