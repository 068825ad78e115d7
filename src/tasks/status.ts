/**
 * The task state machine (DESIGN.md "TaskStatus"): which status may follow which, and what
 * that means for cancel / retry / reset. Pure; the service and the workflow both rely on it.
 */
export const TASK_STATUSES = [
  "PENDING",
  "QUEUED",
  "RUNNING",
  "CANCELLING",
  "COMPLETED",
  "COMPLETED_WITH_ERRORS",
  "FAILED",
  "CANCELLED",
] as const;

export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TERMINAL_STATUSES: readonly TaskStatus[] = ["COMPLETED", "COMPLETED_WITH_ERRORS", "FAILED", "CANCELLED"];
/** Statuses whose task occupies a slot of its queue (counted against the concurrency limit). */
export const ACTIVE_STATUSES: readonly TaskStatus[] = ["RUNNING", "CANCELLING"];
/** Statuses RetryTask accepts. */
export const RETRYABLE_STATUSES: readonly TaskStatus[] = ["FAILED", "CANCELLED", "COMPLETED_WITH_ERRORS"];

const TRANSITIONS: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  PENDING: ["QUEUED", "CANCELLED"],
  QUEUED: ["RUNNING", "PENDING", "CANCELLED"],
  RUNNING: ["CANCELLING", "COMPLETED", "COMPLETED_WITH_ERRORS", "FAILED", "CANCELLED", "QUEUED"],
  CANCELLING: ["CANCELLED", "COMPLETED", "COMPLETED_WITH_ERRORS", "FAILED"],
  // Terminal: only Retry (→ QUEUED) and Reset (→ PENDING) leave them.
  COMPLETED: ["PENDING"],
  COMPLETED_WITH_ERRORS: ["QUEUED", "PENDING"],
  FAILED: ["QUEUED", "PENDING"],
  CANCELLED: ["QUEUED", "PENDING"],
};

export function isTaskStatus(value: string): value is TaskStatus {
  return (TASK_STATUSES as readonly string[]).includes(value);
}

export function isTerminal(status: TaskStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export function canTransition(from: TaskStatus, to: TaskStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Why CancelTask must refuse, or undefined when it may proceed. */
export function cancelRefusal(status: TaskStatus, committing: boolean): string | undefined {
  if (isTerminal(status)) return `task is already ${status}`;
  if (status === "CANCELLING") return undefined; // repeated abort: idempotent
  if (committing) return "task is in its final commit phase and can no longer be aborted";
  return undefined;
}

/** Why RetryTask must refuse, or undefined when it may proceed. */
export function retryRefusal(status: TaskStatus, errorRetryable: boolean | undefined, force: boolean): string | undefined {
  if (!RETRYABLE_STATUSES.includes(status)) {
    return `only FAILED, CANCELLED or COMPLETED_WITH_ERRORS tasks can be retried; task is ${status}`;
  }
  if (status === "FAILED" && errorRetryable === false && !force) {
    return "task failed with a non-retryable error; pass force to retry anyway";
  }
  return undefined;
}

/** Why ResetTask must refuse, or undefined when it may proceed. */
export function resetRefusal(status: TaskStatus): string | undefined {
  if (ACTIVE_STATUSES.includes(status)) return `a ${status} task cannot be reset; cancel it first`;
  return undefined;
}
