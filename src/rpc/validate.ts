/**
 * Request validation at the edge: proto requests → validated domain inputs. Every failure is an
 * InvalidArgumentError whose message starts with the offending field path (AIP-193).
 */
import type { JsonObject } from "@bufbuild/protobuf";
import { InvalidArgumentError } from "../domain/errors.js";
import type { CreateTaskRequest, ListTasksRequest } from "../gen/taskyard/v1/task_service_pb.js";
import type { Task as PbTask } from "../gen/taskyard/v1/task_pb.js";
import type { CreateTaskInput, ListTasksInput } from "../tasks/service.js";
import { DEFAULT_QUEUE } from "../queues/types.js";
import type { TaskStatus } from "../tasks/status.js";
import { DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUTS, type NewTask, type RetryPolicy, type TaskTimeouts } from "../tasks/types.js";
import { compileFilter } from "../tasks/filter/index.js";
import { durationToMs, statusFromPb } from "./convert.js";

export const LIMITS = Object.freeze({
  nameLength: 256,
  typeLength: 128,
  projectLength: 128,
  commentLength: 4096,
  requestIdLength: 128,
  dedupeKeyLength: 256,
  tags: 50,
  tagLength: 128,
  labels: 64,
  labelValueLength: 256,
  paramsBytes: 256 * 1024,
  pageSizeMax: 500,
  pageSizeDefault: 20,
});

const TYPE_RE = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;
const NAME_RE = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const LABEL_KEY_RE = /^[A-Za-z0-9_.-]{1,63}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function bad(field: string, problem: string): never {
  throw new InvalidArgumentError(`${field}: ${problem}`, field);
}

function maxLength(field: string, value: string, max: number): string {
  if (value.length > max) bad(field, `must be at most ${max} characters (got ${value.length})`);
  return value;
}

export function validateId(field: string, id: string): string {
  if (!id) bad(field, "is required");
  if (!UUID_RE.test(id)) bad(field, `must be a task id (a UUID), got "${id.slice(0, 64)}"`);
  return id;
}

function validateTags(field: string, tags: readonly string[]): string[] {
  if (tags.length > LIMITS.tags) bad(field, `at most ${LIMITS.tags} tags (got ${tags.length})`);
  tags.forEach((t, i) => {
    if (t.trim() === "") bad(`${field}[${i}]`, "must not be empty");
    maxLength(`${field}[${i}]`, t, LIMITS.tagLength);
  });
  return [...new Set(tags)];
}

function validateLabels(field: string, labels: Readonly<Record<string, string>>): Record<string, string> {
  const keys = Object.keys(labels);
  if (keys.length > LIMITS.labels) bad(field, `at most ${LIMITS.labels} labels (got ${keys.length})`);
  for (const k of keys) {
    if (!LABEL_KEY_RE.test(k)) bad(`${field}.${k.slice(0, 64)}`, "label keys must match [A-Za-z0-9_.-]{1,63}");
    maxLength(`${field}.${k}`, labels[k]!, LIMITS.labelValueLength);
  }
  return { ...labels };
}

function validateParams(field: string, params: JsonObject | undefined): JsonObject {
  if (!params) return {};
  const bytes = Buffer.byteLength(JSON.stringify(params));
  if (bytes > LIMITS.paramsBytes) bad(field, `must be at most ${LIMITS.paramsBytes} bytes of JSON (got ${bytes})`);
  return params;
}

function validateRetryPolicy(task: PbTask): RetryPolicy {
  const rp = task.retryPolicy;
  const maxAttempts = rp?.maxAttempts || task.maxAttempts || DEFAULT_RETRY_POLICY.maxAttempts;
  if (maxAttempts < 1 || maxAttempts > 100) bad("task.retry_policy.max_attempts", "must be between 1 and 100");
  const initialBackoffMs = rp?.initialBackoff ? durationToMs(rp.initialBackoff) : DEFAULT_RETRY_POLICY.initialBackoffMs;
  const maxBackoffMs = rp?.maxBackoff ? durationToMs(rp.maxBackoff) : DEFAULT_RETRY_POLICY.maxBackoffMs;
  const backoffMultiplier = rp?.backoffMultiplier || DEFAULT_RETRY_POLICY.backoffMultiplier;
  if (initialBackoffMs < 1 || initialBackoffMs > 3_600_000) bad("task.retry_policy.initial_backoff", "must be between 1 ms and 1 h");
  if (maxBackoffMs < initialBackoffMs || maxBackoffMs > 86_400_000) bad("task.retry_policy.max_backoff", "must be between initial_backoff and 24 h");
  if (backoffMultiplier < 1 || backoffMultiplier > 100) bad("task.retry_policy.backoff_multiplier", "must be between 1 and 100");
  return { maxAttempts, initialBackoffMs, maxBackoffMs, backoffMultiplier };
}

function validateTimeouts(task: PbTask): TaskTimeouts {
  const t = task.timeouts;
  const startToCloseMs = t?.startToClose ? durationToMs(t.startToClose) : DEFAULT_TIMEOUTS.startToCloseMs;
  const heartbeatMs = t?.heartbeat ? durationToMs(t.heartbeat) : DEFAULT_TIMEOUTS.heartbeatMs;
  if (startToCloseMs < 1000 || startToCloseMs > 30 * 86_400_000) bad("task.timeouts.start_to_close", "must be between 1 s and 30 days");
  if (heartbeatMs < 1000 || heartbeatMs > 3_600_000) bad("task.timeouts.heartbeat", "must be between 1 s and 1 h");
  return { startToCloseMs, heartbeatMs };
}

export function validateCreateTask(req: CreateTaskRequest): CreateTaskInput {
  const t = req.task;
  if (!t) bad("task", "is required");
  if (!t.type) bad("task.type", "is required");
  maxLength("task.type", t.type, LIMITS.typeLength);
  if (!TYPE_RE.test(t.type)) bad("task.type", "must start with a letter or digit and contain only letters, digits, '_', '.', ':' and '-'");
  const queue = t.queue || DEFAULT_QUEUE;
  if (!NAME_RE.test(queue)) bad("task.queue", "must match [a-z0-9][a-z0-9._-]{0,62}");
  if (t.priority < 0 || t.priority > 100) bad("task.priority", `must be between 0 and 100 (got ${t.priority})`);
  const project = t.project.trim() || "default";
  maxLength("task.project", project, LIMITS.projectLength);
  if (t.parentId) validateId("task.parent_id", t.parentId);
  const task: NewTask = {
    name: maxLength("task.name", t.name.trim() || t.type, LIMITS.nameLength),
    type: t.type,
    project,
    queue,
    priority: t.priority === 0 ? undefined : t.priority,
    params: validateParams("task.params", t.params),
    tags: validateTags("task.tags", t.tags),
    labels: validateLabels("task.labels", t.labels),
    comment: maxLength("task.comment", t.comment, LIMITS.commentLength),
    parentId: t.parentId || null,
    retryPolicy: validateRetryPolicy(t),
    timeouts: validateTimeouts(t),
    dedupeKey: t.dedupeKey ? maxLength("task.dedupe_key", t.dedupeKey, LIMITS.dedupeKeyLength) : null,
  };
  return {
    task,
    requestId: req.requestId ? maxLength("request_id", req.requestId, LIMITS.requestIdLength) : null,
    validateOnly: req.validateOnly,
    start: req.start ?? true,
  };
}

export function validatePageSize(field: string, size: number, fallback: number): number {
  if (size < 0 || size > LIMITS.pageSizeMax) bad(field, `must be between 0 and ${LIMITS.pageSizeMax} (got ${size})`);
  return size === 0 ? fallback : size;
}

export function validateListTasks(req: ListTasksRequest): ListTasksInput {
  const pageSize = validatePageSize("page_size", req.pageSize, LIMITS.pageSizeDefault);
  if (req.page < 0) bad("page", `must be 1 or more (got ${req.page})`);
  if (req.page > 0 && req.pageToken) bad("page", "use either page or page_token, not both");
  const statuses: TaskStatus[] = req.statuses.map((s, i) => statusFromPb(s) ?? bad(`statuses[${i}]`, `unknown task status ${s}`));
  return {
    project: req.project || undefined,
    type: req.type || undefined,
    statuses,
    filter: req.filter.trim() ? compileFilter(req.filter) : undefined,
    includeArchived: req.includeArchived,
    pageSize,
    pageToken: req.pageToken || undefined,
    page: req.page || undefined,
  };
}
