/** Domain ⇄ protobuf conversions for tasks. */
import { create } from "@bufbuild/protobuf";
import { timestampFromDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import {
  TaskEventSchema,
  TaskSchema,
  TaskStatus as PbStatus,
  TaskVisibility as PbVisibility,
  type Task as PbTask,
  type TaskEvent as PbTaskEvent,
} from "../gen/taskyard/v1/task_pb.js";
import { cancelRefusal, TASK_STATUSES, type TaskStatus } from "../tasks/status.js";
import type { RetryPolicy, Task, TaskEvent, TaskTimeouts, Visibility } from "../tasks/types.js";

export function statusToPb(status: TaskStatus): PbStatus {
  return PbStatus[status];
}

/** Domain status of a proto enum value, or undefined for UNSPECIFIED / unknown numbers. */
export function statusFromPb(value: PbStatus): TaskStatus | undefined {
  const name = PbStatus[value] as string | undefined;
  return name && (TASK_STATUSES as readonly string[]).includes(name) ? (name as TaskStatus) : undefined;
}

/** Domain visibility of a proto enum value, or undefined for UNSPECIFIED / unknown numbers. */
export function visibilityFromPb(value: PbVisibility): Visibility | undefined {
  if (value === PbVisibility.PRIVATE) return "PRIVATE";
  if (value === PbVisibility.PUBLIC) return "PUBLIC";
  return undefined;
}

const ts = (d: Date | null): Timestamp | undefined => (d ? timestampFromDate(d) : undefined);

/** `callerTenant`: who reads it — another tenant's (public) task comes back `read_only`. */
export function taskToPb(t: Task, uiUrl: (workflowId: string | null, runId: string | null) => string, callerTenant: string): PbTask {
  return create(TaskSchema, {
    id: t.id,
    name: t.name,
    type: t.type,
    project: t.project,
    queue: t.queue,
    priority: t.priority,
    status: statusToPb(t.status),
    statusMessage: t.statusMessage,
    statusReason: t.statusReason,
    progress: {
      current: BigInt(t.progress.current),
      total: BigInt(t.progress.total),
      percent: t.progress.percent,
      message: t.progress.message,
    },
    params: t.params,
    result: t.result ?? undefined,
    error: t.error ? { code: t.error.code, message: t.error.message, details: t.error.details, retryable: t.error.retryable } : undefined,
    itemsSucceeded: BigInt(t.itemsSucceeded),
    itemsFailed: BigInt(t.itemsFailed),
    itemFailures: t.itemFailures,
    tags: t.tags,
    labels: t.labels,
    comment: t.comment,
    parentId: t.parentId ?? "",
    createdBy: t.createdBy,
    attempt: t.attempt,
    maxAttempts: t.retryPolicy.maxAttempts,
    cancellable: cancelRefusal(t.status, t.committing) === undefined,
    archived: t.archived,
    createTime: ts(t.createTime),
    updateTime: ts(t.updateTime),
    queueTime: ts(t.queueTime),
    startTime: ts(t.startTime),
    endTime: ts(t.endTime),
    lastHeartbeatTime: ts(t.lastHeartbeatTime),
    workflowId: t.workflowId ?? "",
    workflowRunId: t.workflowRunId ?? "",
    temporalUiUrl: uiUrl(t.workflowId, t.workflowRunId),
    artifacts: t.artifacts,
    executionAttempt: t.executionAttempt,
    dedupeKey: t.dedupeKey ?? "",
    retryPolicy: {
      maxAttempts: t.retryPolicy.maxAttempts,
      initialBackoff: msToDuration(t.retryPolicy.initialBackoffMs),
      maxBackoff: msToDuration(t.retryPolicy.maxBackoffMs),
      backoffMultiplier: t.retryPolicy.backoffMultiplier,
    },
    timeouts: { startToClose: msToDuration(t.timeouts.startToCloseMs), heartbeat: msToDuration(t.timeouts.heartbeatMs) },
    visibility: PbVisibility[t.visibility],
    readOnly: t.tenant !== callerTenant,
  });
}

export function eventToPb(e: TaskEvent): PbTaskEvent {
  return create(TaskEventSchema, {
    sequence: BigInt(e.sequence),
    taskId: e.taskId,
    time: timestampFromDate(e.time),
    actor: e.actor,
    fromStatus: e.fromStatus ? statusToPb(e.fromStatus) : PbStatus.UNSPECIFIED,
    toStatus: statusToPb(e.toStatus),
    reason: e.reason,
    message: e.message,
    attempt: e.attempt,
  });
}

/** A task type's own defaults (fields it leaves unset stay unset: 0 / no duration) as proto fields. */
export function typeDefaultsToPb(retryPolicy: Partial<RetryPolicy>, timeouts: Partial<TaskTimeouts>) {
  const dur = (ms: number | undefined) => (ms !== undefined ? msToDuration(ms) : undefined);
  return {
    retryPolicy: {
      maxAttempts: retryPolicy.maxAttempts ?? 0,
      initialBackoff: dur(retryPolicy.initialBackoffMs),
      maxBackoff: dur(retryPolicy.maxBackoffMs),
      backoffMultiplier: retryPolicy.backoffMultiplier ?? 0,
    },
    timeouts: { startToClose: dur(timeouts.startToCloseMs), heartbeat: dur(timeouts.heartbeatMs) },
  };
}

export function msToDuration(ms: number) {
  return { seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

export function durationToMs(d: { seconds: bigint; nanos: number }): number {
  return Number(d.seconds) * 1000 + Math.floor(d.nanos / 1_000_000);
}
