/** TaskRow (storage) ⇄ Task (domain). */
import type { TaskRow } from "../infra/db/entities.js";
import { DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUTS } from "./types.js";
import type { Artifact, ItemFailure, JsonObject, RetryPolicy, Task, TaskErrorInfo, TaskTimeouts } from "./types.js";
import type { TaskStatus } from "./status.js";

// MariaDB stores JSON as LONGTEXT; TypeORM parses entity reads, raw reads arrive as strings.
export function json<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined) return fallback;
  if (typeof value === "string") return JSON.parse(value) as T;
  return value as T;
}

export function rowToTask(r: TaskRow): Task {
  return {
    id: r.id,
    tenant: r.tenant,
    name: r.name,
    type: r.type,
    project: r.project,
    queue: r.queue,
    priority: r.priority,
    status: r.status as TaskStatus,
    statusMessage: r.statusMessage,
    statusReason: r.statusReason,
    progress: {
      current: Number(r.progressCurrent),
      total: Number(r.progressTotal),
      percent: r.progressPercent,
      message: r.progressMessage,
    },
    params: json<JsonObject>(r.params, {}),
    result: json<JsonObject | null>(r.result, null),
    error: json<TaskErrorInfo | null>(r.error, null),
    itemsSucceeded: Number(r.itemsSucceeded),
    itemsFailed: Number(r.itemsFailed),
    itemFailures: json<ItemFailure[]>(r.itemFailures, []),
    tags: json<string[]>(r.tags, []),
    labels: json<Record<string, string>>(r.labels, {}),
    comment: r.comment,
    parentId: r.parentId,
    createdBy: r.createdBy,
    attempt: r.attempt,
    retryPolicy: { ...DEFAULT_RETRY_POLICY, ...json<Partial<RetryPolicy>>(r.retryPolicy, {}) },
    timeouts: { ...DEFAULT_TIMEOUTS, ...json<Partial<TaskTimeouts>>(r.timeouts, {}) },
    committing: Boolean(r.committing),
    archived: Boolean(r.archived),
    published: Boolean(r.published),
    requestId: r.requestId,
    dedupeKey: r.dedupeKey,
    createTime: r.createTime,
    updateTime: r.updateTime,
    queueTime: r.queueTime,
    startTime: r.startTime,
    endTime: r.endTime,
    lastHeartbeatTime: r.lastHeartbeatTime,
    workflowId: r.workflowId,
    workflowRunId: r.workflowRunId,
    artifacts: json<Artifact[]>(r.artifacts, []),
    executionAttempt: r.executionAttempt,
    visibility: r.visibility === "PUBLIC" ? "PUBLIC" : "PRIVATE",
    traceParent: r.traceParent ?? null,
  };
}

export function taskToRow(t: Task): TaskRow {
  return {
    id: t.id,
    tenant: t.tenant,
    name: t.name,
    type: t.type,
    project: t.project,
    queue: t.queue,
    priority: t.priority,
    status: t.status,
    statusMessage: t.statusMessage,
    statusReason: t.statusReason,
    progressCurrent: String(t.progress.current),
    progressTotal: String(t.progress.total),
    progressPercent: t.progress.percent,
    progressMessage: t.progress.message,
    params: t.params,
    result: t.result,
    error: t.error,
    itemsSucceeded: String(t.itemsSucceeded),
    itemsFailed: String(t.itemsFailed),
    itemFailures: t.itemFailures,
    tags: t.tags,
    labels: t.labels,
    comment: t.comment,
    parentId: t.parentId,
    createdBy: t.createdBy,
    attempt: t.attempt,
    retryPolicy: t.retryPolicy,
    timeouts: t.timeouts,
    committing: t.committing,
    archived: t.archived,
    published: t.published,
    requestId: t.requestId,
    dedupeKey: t.dedupeKey,
    dedupeLive: t.dedupeKey,
    createTime: t.createTime,
    updateTime: t.updateTime,
    queueTime: t.queueTime,
    startTime: t.startTime,
    endTime: t.endTime,
    lastHeartbeatTime: t.lastHeartbeatTime,
    workflowId: t.workflowId,
    workflowRunId: t.workflowRunId,
    artifacts: t.artifacts,
    executionAttempt: t.executionAttempt,
    visibility: t.visibility,
    traceParent: t.traceParent,
    version: 1,
  };
}
