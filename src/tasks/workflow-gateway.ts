/**
 * What the task domain needs from the execution engine (Temporal), as a port: the service and
 * the dispatcher depend on this interface, infra/temporal implements it.
 */
import type { Task } from "./types.js";

export type ExecutionState = "RUNNING" | "COMPLETED" | "FAILED" | "CANCELLED" | "TERMINATED" | "TIMED_OUT" | "CONTINUED_AS_NEW" | "NOT_FOUND";

export interface WorkflowGateway {
  /**
   * Starts the task's workflow (workflow id = task id); starting it twice is a no-op.
   * `queueTaskQueue` is the Temporal task queue of the task's queue: its handler runs there, per type.
   */
  start(task: Task, queueTaskQueue: string): Promise<{ runId: string }>;
  /** Terminates the task's workflow (a force stop): no handler cleanup, no outcome recorded by it. */
  terminate(task: Task, reason: string): Promise<"terminated" | "not_found">;
  /** Sends the `abort` signal. "not_found" when no such open workflow exists. */
  abort(task: Task, reason: string): Promise<"signalled" | "not_found">;
  /** The state of the task's latest workflow run. */
  describe(task: Task): Promise<ExecutionState>;
}
