/**
 * TypeORM entity schemas (no decorators: plain EntitySchema, so tsx, vitest and tsc agree).
 * Every column has an explicit type; times are datetime(3) in UTC; every row carries `tenant`.
 * Repositories map these rows to domain types — nothing outside infra/ and the repositories
 * sees them.
 */
import { EntitySchema } from "typeorm";

export interface TaskRow {
  id: string;
  tenant: string;
  name: string;
  type: string;
  project: string;
  queue: string;
  priority: number;
  status: string;
  statusMessage: string;
  statusReason: string;
  progressCurrent: string; // BIGINT comes back as a string
  progressTotal: string;
  progressPercent: number;
  progressMessage: string;
  params: object;
  result: object | null;
  error: object | null;
  itemsSucceeded: string;
  itemsFailed: string;
  itemFailures: object;
  tags: object;
  labels: object;
  comment: string;
  parentId: string | null;
  createdBy: string;
  attempt: number;
  retryPolicy: object;
  timeouts: object;
  committing: boolean;
  archived: boolean;
  published: boolean;
  requestId: string | null;
  dedupeKey: string | null;
  /** = dedupeKey while the task is not terminal, else NULL: a unique index enforces one live task per key. */
  dedupeLive: string | null;
  createTime: Date;
  updateTime: Date;
  queueTime: Date | null;
  startTime: Date | null;
  endTime: Date | null;
  lastHeartbeatTime: Date | null;
  workflowId: string | null;
  workflowRunId: string | null;
  artifacts: object;
  /** Temporal's try of the current attempt: 1 on the first, +1 per automatic retry; 0 before it runs. */
  executionAttempt: number;
  /** PRIVATE or PUBLIC (every tenant may read it). */
  visibility: string;
  /** W3C traceparent of the RPC that created (or retried) the task; the dispatch continues it. */
  traceParent: string | null;
  version: number;
}

export const TaskEntity = new EntitySchema<TaskRow>({
  name: "Task",
  tableName: "tasks",
  columns: {
    id: { type: "char", length: 36, primary: true },
    tenant: { type: "varchar", length: 64 },
    name: { type: "varchar", length: 256 },
    type: { type: "varchar", length: 128 },
    project: { type: "varchar", length: 128 },
    queue: { type: "varchar", length: 64 },
    priority: { type: "int" },
    status: { type: "varchar", length: 32 },
    statusMessage: { name: "status_message", type: "text" },
    statusReason: { name: "status_reason", type: "varchar", length: 64 },
    progressCurrent: { name: "progress_current", type: "bigint" },
    progressTotal: { name: "progress_total", type: "bigint" },
    progressPercent: { name: "progress_percent", type: "double" },
    progressMessage: { name: "progress_message", type: "varchar", length: 512 },
    params: { type: "json" },
    result: { type: "json", nullable: true },
    error: { type: "json", nullable: true },
    itemsSucceeded: { name: "items_succeeded", type: "bigint" },
    itemsFailed: { name: "items_failed", type: "bigint" },
    itemFailures: { name: "item_failures", type: "json" },
    tags: { type: "json" },
    labels: { type: "json" },
    comment: { type: "text" },
    parentId: { name: "parent_id", type: "char", length: 36, nullable: true },
    createdBy: { name: "created_by", type: "varchar", length: 256 },
    attempt: { type: "int" },
    retryPolicy: { name: "retry_policy", type: "json" },
    timeouts: { type: "json" },
    committing: { type: "boolean" },
    archived: { type: "boolean" },
    published: { type: "boolean" },
    requestId: { name: "request_id", type: "varchar", length: 128, nullable: true },
    dedupeKey: { name: "dedupe_key", type: "varchar", length: 256, nullable: true },
    dedupeLive: { name: "dedupe_live", type: "varchar", length: 256, nullable: true },
    createTime: { name: "create_time", type: "datetime", precision: 3 },
    updateTime: { name: "update_time", type: "datetime", precision: 3 },
    queueTime: { name: "queue_time", type: "datetime", precision: 3, nullable: true },
    startTime: { name: "start_time", type: "datetime", precision: 3, nullable: true },
    endTime: { name: "end_time", type: "datetime", precision: 3, nullable: true },
    lastHeartbeatTime: { name: "last_heartbeat_time", type: "datetime", precision: 3, nullable: true },
    workflowId: { name: "workflow_id", type: "varchar", length: 64, nullable: true },
    workflowRunId: { name: "workflow_run_id", type: "varchar", length: 64, nullable: true },
    artifacts: { type: "json" },
    executionAttempt: { name: "execution_attempt", type: "int" },
    visibility: { type: "varchar", length: 16 },
    traceParent: { name: "trace_parent", type: "varchar", length: 55, nullable: true },
    version: { type: "int" },
  },
});

export interface TaskEventRow {
  id: string;
  tenant: string;
  taskId: string;
  time: Date;
  actor: string;
  fromStatus: string | null;
  toStatus: string;
  reason: string;
  message: string;
  attempt: number;
}

export const TaskEventEntity = new EntitySchema<TaskEventRow>({
  name: "TaskEvent",
  tableName: "task_events",
  columns: {
    id: { type: "bigint", primary: true, generated: "increment" },
    tenant: { type: "varchar", length: 64 },
    taskId: { name: "task_id", type: "char", length: 36 },
    time: { type: "datetime", precision: 3 },
    actor: { type: "varchar", length: 256 },
    fromStatus: { name: "from_status", type: "varchar", length: 32, nullable: true },
    toStatus: { name: "to_status", type: "varchar", length: 32 },
    reason: { type: "varchar", length: 64 },
    message: { type: "text" },
    attempt: { type: "int" },
  },
});

export interface QueueRow {
  tenant: string;
  name: string;
  description: string;
  concurrencyLimit: number;
  defaultPriority: number;
  paused: boolean;
  temporalTaskQueue: string;
  /** Dispatch rate limit; 0 = unlimited. */
  ratePerSecond: number;
  rateBurst: number;
  /** Token bucket state, changed only under the queue row's lock (see queues/token-bucket.ts). */
  rateTokens: number;
  rateRefillTime: Date | null;
  /** "" (plain FIFO), `project`, `type`, `created_by` or `labels.<key>`. */
  fairnessKey: string;
  /** Per priority band, the fairness value served last: round-robin resumes after it. */
  fairnessCursors: Record<string, string> | null;
  createTime: Date;
  updateTime: Date;
}

export const QueueEntity = new EntitySchema<QueueRow>({
  name: "Queue",
  tableName: "queues",
  columns: {
    tenant: { type: "varchar", length: 64, primary: true },
    name: { type: "varchar", length: 64, primary: true },
    description: { type: "varchar", length: 1024 },
    concurrencyLimit: { name: "concurrency_limit", type: "int" },
    defaultPriority: { name: "default_priority", type: "int" },
    paused: { type: "boolean" },
    temporalTaskQueue: { name: "temporal_task_queue", type: "varchar", length: 128 },
    ratePerSecond: { name: "rate_per_second", type: "double" },
    rateBurst: { name: "rate_burst", type: "int" },
    rateTokens: { name: "rate_tokens", type: "double" },
    rateRefillTime: { name: "rate_refill_time", type: "datetime", precision: 3, nullable: true },
    fairnessKey: { name: "fairness_key", type: "varchar", length: 128 },
    fairnessCursors: { name: "fairness_cursors", type: "json", nullable: true },
    createTime: { name: "create_time", type: "datetime", precision: 3 },
    updateTime: { name: "update_time", type: "datetime", precision: 3 },
  },
});

export interface QueueEntryRow {
  taskId: string;
  tenant: string;
  queue: string;
  priority: number;
  /** Order inside a priority band; MoveTask puts a task between two neighbours' positions. */
  position: number;
  enqueueTime: Date;
  /** The task's value of its queue's fairness key ("" without one), for round-robin dispatch. */
  fairnessValue: string;
}

export const QueueEntryEntity = new EntitySchema<QueueEntryRow>({
  name: "QueueEntry",
  tableName: "queue_entries",
  columns: {
    taskId: { name: "task_id", type: "char", length: 36, primary: true },
    tenant: { type: "varchar", length: 64 },
    queue: { type: "varchar", length: 64 },
    priority: { type: "int" },
    position: { type: "double" },
    enqueueTime: { name: "enqueue_time", type: "datetime", precision: 3 },
    fairnessValue: { name: "fairness_value", type: "varchar", length: 256 },
  },
});

export interface ApiKeyRow {
  id: string;
  tenant: string;
  displayName: string;
  role: string;
  /** SHA-256 of the secret, hex; the secret itself is never stored. */
  secretHash: string;
  createdBy: string;
  createTime: Date;
  expireTime: Date | null;
  revokeTime: Date | null;
  lastUseTime: Date | null;
}

export const ApiKeyEntity = new EntitySchema<ApiKeyRow>({
  name: "ApiKey",
  tableName: "api_keys",
  columns: {
    id: { type: "char", length: 16, primary: true },
    tenant: { type: "varchar", length: 64 },
    displayName: { name: "display_name", type: "varchar", length: 256 },
    role: { type: "varchar", length: 16 },
    secretHash: { name: "secret_hash", type: "char", length: 64 },
    createdBy: { name: "created_by", type: "varchar", length: 256 },
    createTime: { name: "create_time", type: "datetime", precision: 3 },
    expireTime: { name: "expire_time", type: "datetime", precision: 3, nullable: true },
    revokeTime: { name: "revoke_time", type: "datetime", precision: 3, nullable: true },
    lastUseTime: { name: "last_use_time", type: "datetime", precision: 3, nullable: true },
  },
});

export const ENTITIES = [TaskEntity, TaskEventEntity, QueueEntity, QueueEntryEntity, ApiKeyEntity];
