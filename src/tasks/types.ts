/** Domain types of a task: what services and repositories exchange (no transport, no ORM types). */
import type { TaskStatus } from "./status.js";

export type JsonObject = { [key: string]: JsonValue };
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

export interface Progress {
  current: number;
  total: number;
  percent: number;
  message: string;
}

export interface TaskErrorInfo {
  code: string;
  message: string;
  details?: JsonObject;
  retryable: boolean;
}

export interface ItemFailure {
  item: string;
  code: string;
  message: string;
}

export interface Artifact {
  name: string;
  uri: string;
  kind: string;
  metadata: Record<string, string>;
}

export interface RetryPolicy {
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  backoffMultiplier: number;
}

export interface TaskTimeouts {
  startToCloseMs: number;
  heartbeatMs: number;
}

export interface Task {
  id: string;
  tenant: string;
  name: string;
  type: string;
  project: string;
  queue: string;
  priority: number;
  status: TaskStatus;
  statusMessage: string;
  statusReason: string;
  progress: Progress;
  params: JsonObject;
  result: JsonObject | null;
  error: TaskErrorInfo | null;
  itemsSucceeded: number;
  itemsFailed: number;
  itemFailures: ItemFailure[];
  tags: string[];
  labels: Record<string, string>;
  comment: string;
  parentId: string | null;
  createdBy: string;
  attempt: number;
  retryPolicy: RetryPolicy;
  timeouts: TaskTimeouts;
  committing: boolean;
  archived: boolean;
  published: boolean;
  requestId: string | null;
  dedupeKey: string | null;
  createTime: Date;
  updateTime: Date;
  queueTime: Date | null;
  startTime: Date | null;
  endTime: Date | null;
  lastHeartbeatTime: Date | null;
  workflowId: string | null;
  workflowRunId: string | null;
  artifacts: Artifact[];
  /** Temporal's try of the current attempt (automatic retries); 0 before it runs. */
  executionAttempt: number;
  visibility: Visibility;
  /** W3C traceparent of the RPC that created (or retried) the task, or null (tracing off): its dispatch continues that trace. */
  traceParent: string | null;
}

/** PRIVATE: only the task's tenant sees it. PUBLIC: every tenant may read it (never write). */
export type Visibility = "PRIVATE" | "PUBLIC";

/** A validated create request, before ids and times are assigned. */
export interface NewTask {
  name: string;
  type: string;
  project: string;
  queue: string;
  priority: number | undefined;
  params: JsonObject;
  tags: string[];
  labels: Record<string, string>;
  comment: string;
  parentId: string | null;
  retryPolicy: RetryPolicy;
  timeouts: TaskTimeouts;
  dedupeKey: string | null;
  visibility: Visibility;
}

export interface TaskEvent {
  sequence: number;
  taskId: string;
  time: Date;
  actor: string;
  fromStatus: TaskStatus | null;
  toStatus: TaskStatus;
  reason: string;
  message: string;
  attempt: number;
}

/** Who performs an operation: the tenant scopes every query, the principal is recorded as actor. */
export interface Caller {
  tenant: string;
  principal: string;
}

/** What a task gets for the execution settings its request leaves unset. */
export interface TaskDefaults {
  retryPolicy: RetryPolicy;
  timeouts: TaskTimeouts;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 3,
  initialBackoffMs: 1_000,
  maxBackoffMs: 60_000,
  backoffMultiplier: 2,
});

export const DEFAULT_TIMEOUTS: TaskTimeouts = Object.freeze({
  startToCloseMs: 24 * 60 * 60 * 1000,
  heartbeatMs: 10_000,
});

export const PRIORITY = Object.freeze({ LOW: 25, MEDIUM: 50, HIGH: 75 });
