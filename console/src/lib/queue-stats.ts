/**
 * QueueStats for people: durations in milliseconds, the per-minute history as chart series, and
 * text alternatives of the charts (what a screen reader announces instead of the drawing).
 */
import { durationMs, type Duration } from "@bufbuild/protobuf/wkt";
import type { QueueProjectShare, QueueStatsPoint } from "@gen/taskyard/v1/queue_service_pb.js";
import { formatDuration, toDate } from "./format";

export function msOf(d: Duration | undefined): number {
  return d ? durationMs(d) : 0;
}

/** `1.5/min`, `12/min`, `0/min`. */
export function formatRate(perMinute: number): string {
  if (!Number.isFinite(perMinute) || perMinute <= 0) return "0/min";
  return `${perMinute < 10 ? Number(perMinute.toFixed(1)) : Math.round(perMinute)}/min`;
}

/** A queue's rate limit in words: `unlimited`, `2/s (burst 5)`. */
export function formatRateLimit(limit: { perSecond: number; burst: number } | undefined): string {
  if (!limit || limit.perSecond <= 0) return "unlimited";
  return limit.burst > 0 ? `${limit.perSecond}/s (burst ${limit.burst})` : `${limit.perSecond}/s`;
}

/** A queue wait: tenths of a second below 10 s (queues often wait less than one), else `formatDuration`. */
export function formatWait(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "—";
  return ms < 10_000 ? `${Number((ms / 1000).toFixed(1))} s` : formatDuration(ms);
}

export function formatLimit(concurrencyLimit: number): string {
  return concurrencyLimit > 0 ? String(concurrencyLimit) : "unlimited";
}

export interface HistorySeries {
  /** Start of each minute. */
  times: Date[];
  started: number[];
  finished: number[];
  /** Average wait of the tasks started in the minute, in seconds; null when none started (a gap, not a zero wait). */
  waitSeconds: Array<number | null>;
}

export function historySeries(history: readonly QueueStatsPoint[]): HistorySeries {
  return {
    times: history.map((p) => toDate(p.startTime) ?? new Date(0)),
    started: history.map((p) => Number(p.started)),
    finished: history.map((p) => Number(p.finished)),
    waitSeconds: history.map((p) => (p.started > 0n ? Math.round(msOf(p.averageWait) / 100) / 10 : null)),
  };
}

export function formatMinute(d: Date): string {
  return d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

/** One sentence summing up the throughput chart. */
export function throughputSummary(history: readonly QueueStatsPoint[]): string {
  if (history.length === 0) return "No history yet.";
  const s = historySeries(history);
  const started = s.started.reduce((a, b) => a + b, 0);
  const finished = s.finished.reduce((a, b) => a + b, 0);
  const peak = s.started.reduce((best, n, i) => (n > s.started[best]! ? i : best), 0);
  const busiest = started > 0 ? `; busiest minute ${formatMinute(s.times[peak]!)} with ${s.started[peak]} started` : "";
  return `Last ${history.length} minutes: ${started} started, ${finished} finished${busiest}.`;
}

/** One sentence summing up the wait chart (over the minutes in which tasks started). */
export function waitSummary(history: readonly QueueStatsPoint[]): string {
  const waits = history
    .filter((p) => p.started > 0n)
    .map((p) => msOf(p.averageWait));
  if (waits.length === 0) return "No task started in the last hour, so there is no wait to show.";
  const longest = Math.max(...waits);
  const mean = waits.reduce((a, b) => a + b, 0) / waits.length;
  return `Over ${waits.length} ${waits.length === 1 ? "minute" : "minutes"} with starts: average wait ${formatWait(mean)}, longest ${formatWait(longest)}.`;
}

export interface FairnessRow {
  project: string;
  running: number;
  queued: number;
  /** Share of the slots held by the queue's tasks, 0–100 (0 when nothing runs). */
  slotShare: number;
}

/** The per-project view, in the server's order (most slots first). */
export function fairnessRows(projects: readonly QueueProjectShare[]): FairnessRow[] {
  const totalRunning = projects.reduce((n, p) => n + Number(p.running), 0);
  return projects.map((p) => ({
    project: p.project,
    running: Number(p.running),
    queued: Number(p.queued),
    slotShare: totalRunning > 0 ? Math.round((Number(p.running) / totalRunning) * 100) : 0,
  }));
}

/** A project as shown: an empty one is a task created without a project. */
export function projectLabel(project: string): string {
  return project === "" ? "(no project)" : project;
}

/** One sentence summing up the fairness chart (the first few projects; the table has them all). */
export function fairnessSummary(rows: readonly FairnessRow[], shown = 5): string {
  if (rows.length === 0) return "No task of this queue is running or waiting.";
  const running = rows.reduce((n, r) => n + r.running, 0);
  const parts = rows.slice(0, shown).map((r) => `${projectLabel(r.project)} holds ${r.running} and has ${r.queued} waiting`);
  const more = rows.length > shown ? `; ${rows.length - shown} more projects in the table` : "";
  return `${running} ${running === 1 ? "slot is" : "slots are"} held: ${parts.join("; ")}${more}.`;
}
