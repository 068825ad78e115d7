/**
 * Names and payload types shared by the workflow, the worker and the client. Deterministic:
 * imports only @temporalio/workflow.
 */
import { defineQuery, defineSignal } from "@temporalio/workflow";

/** Abort the running handler; the payload is the reason. */
export const abortSignal = defineSignal<[reason?: string]>("abort");
/** Whether an abort was received, and why. */
export const abortStateQuery = defineQuery<{ aborted: boolean; reason?: string }>("abortState");

export const TASK_WORKFLOW = "taskWorkflow";
export const SEARCH_ATTRIBUTE_TYPE = "TaskyardType";
export const SEARCH_ATTRIBUTE_PROJECT = "TaskyardProject";
/** The task id (= the workflow id today), so the Temporal UI filters `TaskyardTaskId = "<id>"` like the other two. */
export const SEARCH_ATTRIBUTE_TASK_ID = "TaskyardTaskId";

export interface TaskWorkflowInput {
  tenant: string;
  taskId: string;
  attempt: number;
  type: string;
  queue: string;
  /** Where the handler activity (activity type = task type) is scheduled: a worker that registered the type polls it. */
  handlerTaskQueue: string;
  retry: { maxAttempts: number; initialBackoffMs: number; maxBackoffMs: number; backoffMultiplier: number };
  timeouts: { startToCloseMs: number; heartbeatMs: number };
}

export interface TaskErrorPayload {
  code: string;
  message: string;
  retryable: boolean;
  details?: { [key: string]: unknown };
}

export interface ItemFailurePayload {
  item: string;
  code: string;
  message: string;
}

/**
 * The input of a handler activity — the public worker contract (docs/workers.md): JSON with
 * these camelCase keys, activity type = the task type.
 */
export interface HandlerActivityInput {
  taskId: string;
  attempt: number;
  type: string;
  queue: string;
}

/** The failure type a worker raises when it stopped its handler because an abort was requested. */
export const TASK_ABORTED = "TASK_ABORTED";

/** What the handler activity answers when it ends normally. */
export type RunTaskResult =
  | { stale: true }
  | {
      stale?: false;
      result?: { [key: string]: unknown };
      itemsSucceeded?: number;
      itemsFailed?: number;
      itemFailures?: ItemFailurePayload[];
    };

export type TaskOutcome =
  | { kind: "completed"; result: { [key: string]: unknown }; itemsSucceeded: number; itemsFailed: number; itemFailures: ItemFailurePayload[]; error: TaskErrorPayload | null }
  | { kind: "failed"; error: TaskErrorPayload }
  | { kind: "cancelled"; message: string };

/** The handler activity, by task type (run by users' workers). */
export type HandlerActivity = (input: HandlerActivityInput) => Promise<RunTaskResult>;

/** Taskyard's own bookkeeping activity, on the workflow's task queue (implemented in src/activities). */
export interface TaskActivities {
  finishTask(input: TaskWorkflowInput, outcome: TaskOutcome): Promise<void>;
}
