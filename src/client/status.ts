/** Which task statuses are final: only RetryTask and ResetTask move a task out of them (task.proto). */
import { TaskStatus, type Task } from "../gen/taskyard/v1/task_pb.js";

export const TERMINAL_STATUSES: readonly TaskStatus[] = [
  TaskStatus.COMPLETED,
  TaskStatus.COMPLETED_WITH_ERRORS,
  TaskStatus.FAILED,
  TaskStatus.CANCELLED,
];

export function isTerminal(task: Pick<Task, "status">): boolean {
  return TERMINAL_STATUSES.includes(task.status);
}

/** `RUNNING` for `TaskStatus.RUNNING`: the enum name without its `TASK_STATUS_` prefix. */
export function statusName(status: TaskStatus): string {
  return TaskStatus[status] ?? String(status);
}
