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

export interface TaskWorkflowInput {
  tenant: string;
  taskId: string;
  attempt: number;
  type: string;
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

/** What the handler activity answers when it ends normally. */
export type RunTaskResult =
  | { stale: true }
  | {
      stale: false;
      result: { [key: string]: unknown };
      itemsSucceeded: number;
      itemsFailed: number;
      itemFailures: ItemFailurePayload[];
      error: TaskErrorPayload | null;
    };

export type TaskOutcome =
  | { kind: "completed"; result: { [key: string]: unknown }; itemsSucceeded: number; itemsFailed: number; itemFailures: ItemFailurePayload[]; error: TaskErrorPayload | null }
  | { kind: "failed"; error: TaskErrorPayload }
  | { kind: "cancelled"; message: string };

/** The activities the workflow calls (implemented in src/activities). */
export interface TaskActivities {
  runTask(input: TaskWorkflowInput): Promise<RunTaskResult>;
  finishTask(input: TaskWorkflowInput, outcome: TaskOutcome): Promise<void>;
}
