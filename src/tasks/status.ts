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
/** Statuses of a task whose handler runs (or is being aborted). */
export const ACTIVE_STATUSES: readonly TaskStatus[] = ["RUNNING", "CANCELLING"];

/**
 * A task the dispatcher handed to Temporal that no worker has picked up yet: still QUEUED (no
 * handler runs), out of its queue's entries, holding a slot of its queue — status reason
 * DISPATCHED until a worker starts it (RUNNING) or it is put back or cancelled.
 */
export const WAITING_REASON = "DISPATCHED";
export function isWaitingForWorker(t: { status: TaskStatus; statusReason: string }): boolean {
  return t.status === "QUEUED" && t.statusReason === WAITING_REASON;
}
/** Statuses a dispatched task may have by the time its workflow start returns (a worker may have started it already). */
export const DISPATCHED_STATUSES: readonly TaskStatus[] = ["QUEUED", "RUNNING", "CANCELLING"];
/** SQL over `tasks` (alias-free column names): the task holds a slot of its queue — a handler runs or it waits for a worker. */
export const HOLDS_SLOT_SQL = `(status IN ('RUNNING', 'CANCELLING') OR (status = 'QUEUED' AND status_reason = '${WAITING_REASON}'))`;
/** Statuses RetryTask accepts. */
export const RETRYABLE_STATUSES: readonly TaskStatus[] = ["FAILED", "CANCELLED", "COMPLETED_WITH_ERRORS"];

const TRANSITIONS: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  PENDING: ["QUEUED", "CANCELLED"],
  QUEUED: ["QUEUED", "RUNNING", "PENDING", "CANCELLED"],
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
