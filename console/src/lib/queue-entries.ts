/** What the entries table shows of a queue entry besides the QueueEntry itself. */
import type { QueueEntry } from "@gen/taskyard/v1/queue_service_pb.js";
import type { Task } from "@gen/taskyard/v1/task_pb.js";
import { toDate } from "./format";

/** The column showing the fairness key's value; the project when the queue has no fairness key. */
export function fairnessColumn(fairnessKey: string): string {
  return fairnessKey ? `Fairness (${fairnessKey})` : "Project";
}

/**
 * The value of the queue's fairness key for the entry's task (`project`, `type`, `created_by` or
 * `labels.<key>`; the project without a key); undefined while the task is not loaded.
 */
export function fairnessValue(fairnessKey: string, entry: Pick<QueueEntry, "taskType">, task: Pick<Task, "project" | "createdBy" | "labels"> | undefined): string | undefined {
  if (fairnessKey === "type") return entry.taskType;
  if (!task) return undefined;
  if (fairnessKey === "created_by") return task.createdBy;
  if (fairnessKey.startsWith("labels.")) return task.labels[fairnessKey.slice("labels.".length)] ?? "";
  return task.project;
}

/** How long the entry has waited at `now`. */
export function entryWaitMs(entry: Pick<QueueEntry, "enqueueTime">, now: number): number {
  const t = toDate(entry.enqueueTime);
  return t ? Math.max(0, now - t.getTime()) : 0;
}
