/** Small display helpers shared by the pages. */
import { timestampDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import { TaskStatus } from "@gen/taskyard/v1/task_pb.js";

/** `RUNNING` for TaskStatus.RUNNING. */
export function statusName(s: TaskStatus): string {
  return TaskStatus[s] ?? "UNSPECIFIED";
}

export const TERMINAL: ReadonlySet<TaskStatus> = new Set([
  TaskStatus.COMPLETED,
  TaskStatus.COMPLETED_WITH_ERRORS,
  TaskStatus.FAILED,
  TaskStatus.CANCELLED,
]);

export function toDate(t: Timestamp | undefined): Date | undefined {
  return t ? timestampDate(t) : undefined;
}

export function formatTime(t: Timestamp | undefined): string {
  const d = toDate(t);
  return d ? d.toLocaleString(undefined, { dateStyle: "short", timeStyle: "medium" }) : "—";
}

/** `1 h 2 min`, `3 min 4 s`, `5 s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "—";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
