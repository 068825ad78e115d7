/**
 * GetQueueStats' use case without its queue lookup: reads the counts, the last hour's history and
 * the per-project shares, and fills the minutes with nothing in them (the queries only answer
 * minutes that had rows).
 */
import type { FinishedMinute, QueueStatsRepository, StartedMinute } from "./stats-repository.js";
import type { QueueStats, QueueStatsPoint } from "./types.js";

const MINUTE_MS = 60_000;
export const HISTORY_MINUTES = 60;
const HOUR_MS = 3_600_000;
const RATE_WINDOW_MS = 15 * MINUTE_MS;

/**
 * The history's window: HISTORY_MINUTES whole minutes ending with the current one (so a task that
 * started a moment ago shows in the last point).
 */
export function historyWindow(now: Date): { since: Date; until: Date } {
  const until = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  return { since: new Date(until - HISTORY_MINUTES * MINUTE_MS), until: new Date(until) };
}

/** HISTORY_MINUTES points from `since`, zero where no row names the minute. */
export function fillHistory(since: Date, started: readonly StartedMinute[], finished: readonly FinishedMinute[]): QueueStatsPoint[] {
  const points: QueueStatsPoint[] = Array.from({ length: HISTORY_MINUTES }, (_, i) => ({
    startTime: new Date(since.getTime() + i * MINUTE_MS),
    started: 0,
    finished: 0,
    averageWaitMs: 0,
  }));
  for (const s of started) {
    const p = points[s.minute];
    if (!p) continue;
    p.started = s.started;
    p.averageWaitMs = Math.round(s.averageWaitMs ?? 0);
  }
  for (const f of finished) {
    const p = points[f.minute];
    if (p) p.finished = f.finished;
  }
  return points;
}

/** Every stat of the queue but `workersWatching` (asked of the worker registry, not the database). */
export async function readQueueStats(repo: QueueStatsRepository, tenant: string, queue: string, now: Date): Promise<Omit<QueueStats, "workersWatching">> {
  const { since, until } = historyWindow(now);
  // One after the other: a stats call takes one pooled connection, not four.
  const counts = await repo.counts(tenant, queue, now, HOUR_MS, RATE_WINDOW_MS);
  const started = await repo.startedPerMinute(tenant, queue, since, until);
  const finished = await repo.finishedPerMinute(tenant, queue, since, until);
  const projects = await repo.projects(tenant, queue);
  return {
    queued: counts.queued,
    running: counts.running,
    oldestWaitMs: counts.oldestEnqueueTime ? Math.max(0, now.getTime() - counts.oldestEnqueueTime.getTime()) : 0,
    averageWaitMs: Math.round(counts.averageWaitMs),
    dispatchedPerMinute: counts.dispatchedInRateWindow / (RATE_WINDOW_MS / MINUTE_MS),
    history: fillHistory(since, started, finished),
    projects,
  };
}
