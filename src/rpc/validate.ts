/**
 * Request validation at the edge: proto requests → validated domain inputs. Every failure is an
 * InvalidArgumentError whose message starts with the offending field path (AIP-193).
 */
import type { JsonObject } from "@bufbuild/protobuf";
import { InvalidArgumentError } from "../domain/errors.js";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import type {
  BatchCreateTasksRequest,
  BatchUpdateTasksRequest,
  CloneTaskRequest,
  CreateTaskRequest,
  ListTasksRequest,
  TimeRange,
  UpdateTaskRequest,
} from "../gen/taskyard/v1/task_service_pb.js";
import { TaskVisibility, type Task as PbTask } from "../gen/taskyard/v1/task_pb.js";
import { BATCH_LIMIT, type BatchTarget, type CloneOverrides, type CreateTaskInput, type ListTasksInput, type Selection, type TaskUpdate } from "../tasks/inputs.js";
import { DEFAULT_ORDER, ORDER_COLUMNS, type OrderColumn, type OrderTerm, type TimeBounds } from "../tasks/query-repository.js";
import { DEFAULT_QUEUE, QUEUE_NAME_RE } from "../queues/types.js";
import type { TaskStatus } from "../tasks/status.js";
import { DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUTS, type NewTask, type RetryPolicy, type TaskDefaults, type TaskTimeouts, type Visibility, type Artifact } from "../tasks/types.js";
import { compileFilter } from "../tasks/filter/index.js";
import { LABEL_KEY } from "../tasks/filter/fields.js";
import { durationToMs, statusFromPb, visibilityFromPb } from "./convert.js";

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

export const TYPE_RE = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function bad(field: string, problem: string): never {
  throw new InvalidArgumentError(`${field}: ${problem}`, field);
}

export function maxLength(field: string, value: string, max: number): string {
  if (value.length > max) bad(field, `must be at most ${max} characters (got ${value.length})`);
  return value;
}

/**
 * Idempotency and dedupe keys compare exactly (binary collation), except that SQL ignores
 * trailing spaces: so keys with surrounding whitespace are refused rather than silently merged.
 */
function exactKey(field: string, key: string, max: number): string {
  if (key !== key.trim()) bad(field, "must not start or end with whitespace");
  return maxLength(field, key, max);
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
    if (!LABEL_KEY.test(k)) bad(`${field}.${k.slice(0, 64)}`, "label keys must match [A-Za-z0-9_.-]{1,63}");
    maxLength(`${field}.${k}`, labels[k]!, LIMITS.labelValueLength);
  }
  return { ...labels };
}

/** A task's artifacts as a client sets them: ≤ 100, names unique and non-empty, bounded sizes. */
export function validateArtifacts(field: string, artifacts: PbTask["artifacts"]): Artifact[] {
  if (artifacts.length > 100) bad(field, `at most 100 artifacts (got ${artifacts.length})`);
  const names = new Set<string>();
  return artifacts.map((a, i) => {
    const at = `${field}[${i}]`;
    if (!a.name.trim()) bad(`${at}.name`, "is required");
    if (names.has(a.name)) bad(`${at}.name`, `"${a.name.slice(0, 64)}" appears twice; names are unique within a task`);
    names.add(a.name);
    if (!a.uri.trim()) bad(`${at}.uri`, "is required");
    const metadata = Object.entries(a.metadata);
    if (metadata.length > 32) bad(`${at}.metadata`, `at most 32 entries (got ${metadata.length})`);
    for (const [k, v] of metadata) {
      maxLength(`${at}.metadata`, k, 64);
      maxLength(`${at}.metadata.${k}`, v, 1024);
    }
    return { name: maxLength(`${at}.name`, a.name, 256), uri: maxLength(`${at}.uri`, a.uri, 2048), kind: maxLength(`${at}.kind`, a.kind, 64), metadata: { ...a.metadata } };
  });
}

/** Label keys to facet on: at most 10, each a label key, duplicates dropped. */
export function validateLabelKeys(field: string, keys: readonly string[]): string[] {
  if (keys.length > 10) bad(field, `at most 10 label keys (got ${keys.length})`);
  keys.forEach((k, i) => LABEL_KEY.test(k) || bad(`${field}[${i}]`, "label keys must match [A-Za-z0-9_.-]{1,63}"));
  return [...new Set(keys)];
}

function validateParams(field: string, params: JsonObject | undefined): JsonObject {
  if (!params) return {};
  const bytes = Buffer.byteLength(JSON.stringify(params));
  if (bytes > LIMITS.paramsBytes) bad(field, `must be at most ${LIMITS.paramsBytes} bytes of JSON (got ${bytes})`);
  return params;
}

/** A retry policy with unset fields from `defaults`; `at` is where it sits in the request. */
export function validateRetryPolicy(task: Pick<PbTask, "retryPolicy" | "maxAttempts">, defaults: RetryPolicy = DEFAULT_RETRY_POLICY, at = "task"): RetryPolicy {
  const rp = task.retryPolicy;
  const maxAttempts = rp?.maxAttempts || task.maxAttempts || defaults.maxAttempts;
  if (maxAttempts < 1 || maxAttempts > 100) bad(`${at}.retry_policy.max_attempts`, "must be between 1 and 100");
  const initialBackoffMs = rp?.initialBackoff ? durationToMs(rp.initialBackoff) : defaults.initialBackoffMs;
  const maxBackoffMs = rp?.maxBackoff ? durationToMs(rp.maxBackoff) : defaults.maxBackoffMs;
  const backoffMultiplier = rp?.backoffMultiplier || defaults.backoffMultiplier;
  if (initialBackoffMs < 1 || initialBackoffMs > 3_600_000) bad(`${at}.retry_policy.initial_backoff`, "must be between 1 ms and 1 h");
  if (maxBackoffMs < initialBackoffMs || maxBackoffMs > 86_400_000) bad(`${at}.retry_policy.max_backoff`, "must be between initial_backoff and 24 h");
  if (backoffMultiplier < 1 || backoffMultiplier > 100) bad(`${at}.retry_policy.backoff_multiplier`, "must be between 1 and 100");
  return { maxAttempts, initialBackoffMs, maxBackoffMs, backoffMultiplier };
}

/** Timeouts with unset fields from `defaults`; `at` is where they sit in the request. */
export function validateTimeouts(task: Pick<PbTask, "timeouts">, defaults: TaskTimeouts = DEFAULT_TIMEOUTS, at = "task"): TaskTimeouts {
  const t = task.timeouts;
  const startToCloseMs = t?.startToClose ? durationToMs(t.startToClose) : defaults.startToCloseMs;
  const heartbeatMs = t?.heartbeat ? durationToMs(t.heartbeat) : defaults.heartbeatMs;
  if (startToCloseMs < 1000 || startToCloseMs > 30 * 86_400_000) bad(`${at}.timeouts.start_to_close`, "must be between 1 s and 30 days");
  if (heartbeatMs < 1000 || heartbeatMs > 3_600_000) bad(`${at}.timeouts.heartbeat`, "must be between 1 s and 1 h");
  return { startToCloseMs, heartbeatMs };
}

/** Execution defaults of a task type (the handler's own, else the global ones). */
export type DefaultsFor = (type: string) => TaskDefaults;
const GLOBAL_DEFAULTS: DefaultsFor = () => ({ retryPolicy: DEFAULT_RETRY_POLICY, timeouts: DEFAULT_TIMEOUTS });

export function validateCreateTask(req: CreateTaskRequest, defaultsFor: DefaultsFor = GLOBAL_DEFAULTS): CreateTaskInput {
  const t = req.task;
  if (!t) bad("task", "is required");
  if (!t.type) bad("task.type", "is required");
  maxLength("task.type", t.type, LIMITS.typeLength);
  if (!TYPE_RE.test(t.type)) bad("task.type", "must start with a letter or digit and contain only letters, digits, '_', '.', ':' and '-'");
  const queue = t.queue || DEFAULT_QUEUE;
  if (!QUEUE_NAME_RE.test(queue)) bad("task.queue", "must match [a-z0-9][a-z0-9._-]{0,62}");
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
    retryPolicy: validateRetryPolicy(t, defaultsFor(t.type).retryPolicy),
    timeouts: validateTimeouts(t, defaultsFor(t.type).timeouts),
    dedupeKey: t.dedupeKey ? exactKey("task.dedupe_key", t.dedupeKey, LIMITS.dedupeKeyLength) : null,
    visibility: t.visibility === TaskVisibility.UNSPECIFIED ? "PRIVATE" : validateVisibility("task.visibility", t.visibility),
  };
  return {
    task,
    requestId: req.requestId ? exactKey("request_id", req.requestId, LIMITS.requestIdLength) : null,
    validateOnly: req.validateOnly,
    start: req.start ?? true,
  };
}

export function validatePageSize(field: string, size: number, fallback: number): number {
  if (size < 0 || size > LIMITS.pageSizeMax) bad(field, `must be between 0 and ${LIMITS.pageSizeMax} (got ${size})`);
  return size === 0 ? fallback : size;
}

/** What a MySQL datetime(3) column holds (UTC, the connection's time zone): 1000-01-01 to 9999-12-31. */
const DATETIME_MIN_MS = Date.UTC(1000, 0, 1);
const DATETIME_MAX_MS = Date.UTC(10000, 0, 1) - 1;

/**
 * A Timestamp a column or an SQL comparison will hold, as a Date. Binary Timestamps carry any
 * int64 seconds (JSON is limited to years 0001–9999): past what datetime(3) holds, MySQL refuses
 * the value with an SQL error, i.e. INTERNAL — so it is the client's INVALID_ARGUMENT here.
 */
export function validateTimestamp(field: string, ts: Timestamp): Date {
  if (!Number.isInteger(ts.nanos) || ts.nanos < 0 || ts.nanos > 999_999_999) bad(field, `nanos must be between 0 and 999999999 (got ${ts.nanos})`);
  // Milliseconds rounded down (timestampDate rounds up: 9999-12-31T23:59:59.9999Z would be year 10000).
  const ms = Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1_000_000);
  if (!Number.isFinite(ms) || ms < DATETIME_MIN_MS || ms > DATETIME_MAX_MS) {
    bad(field, `must be between 1000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z (got ${ts.seconds} seconds)`);
  }
  return new Date(ms);
}

function timeBounds(field: string, range: TimeRange | undefined): TimeBounds | undefined {
  if (!range) return undefined;
  const start = range.startTime ? validateTimestamp(`${field}.start_time`, range.startTime) : undefined;
  const end = range.endTime ? validateTimestamp(`${field}.end_time`, range.endTime) : undefined;
  if (start && end && start >= end) bad(`${field}.end_time`, "must be after start_time");
  return { start, end };
}

function validateTagFilter(field: string, tags: readonly string[]): { include: string[]; exclude: string[] } | undefined {
  if (tags.length === 0) return undefined;
  if (tags.length > LIMITS.tags) bad(field, `at most ${LIMITS.tags} tags`);
  const include: string[] = [];
  const exclude: string[] = [];
  tags.forEach((t, i) => {
    const negated = t.startsWith("-");
    const tag = negated ? t.slice(1) : t;
    if (!tag) bad(`${field}[${i}]`, "must not be empty");
    maxLength(`${field}[${i}]`, tag, LIMITS.tagLength);
    (negated ? exclude : include).push(tag);
  });
  return { include, exclude };
}

/** `order_by`: comma-separated whitelisted fields, each optionally followed by `desc` or `asc`. */
export function parseOrderBy(orderBy: string): OrderTerm[] {
  if (!orderBy.trim()) return [...DEFAULT_ORDER];
  const terms = orderBy.split(",").map((part, i) => {
    const words = part.trim().split(/\s+/);
    const [column, direction, extra] = words;
    if (!column || extra !== undefined || (direction !== undefined && !/^(asc|desc)$/i.test(direction))) {
      bad("order_by", `term ${i + 1} ("${part.trim().slice(0, 64)}") must be "<field>" or "<field> desc"`);
    }
    if (!(column in ORDER_COLUMNS)) bad("order_by", `cannot order by "${column.slice(0, 64)}"; allowed: ${Object.keys(ORDER_COLUMNS).join(", ")}`);
    return { column: column as OrderColumn, desc: direction?.toLowerCase() === "desc" };
  });
  if (new Set(terms.map((t) => t.column)).size !== terms.length) bad("order_by", "names a field twice");
  return terms;
}

/** The selection fields ListTasks shares with GetTaskFilterOptions and the batch RPCs. */
export function validateSelection(req: Pick<ListTasksRequest, "project" | "type" | "statuses" | "queue" | "createdBy" | "tags" | "labels" | "parentId" | "createTime" | "startTime" | "endTime" | "search" | "filter" | "includeArchived">): Selection {
  const statuses: TaskStatus[] = req.statuses.map((s, i) => statusFromPb(s) ?? bad(`statuses[${i}]`, `unknown task status ${s}`));
  if (req.parentId) validateId("parent_id", req.parentId);
  return {
    project: req.project || undefined,
    type: req.type || undefined,
    statuses,
    queue: req.queue || undefined,
    createdBy: req.createdBy || undefined,
    tags: validateTagFilter("tags", req.tags),
    labels: Object.keys(req.labels).length > 0 ? validateLabels("labels", req.labels) : undefined,
    parentId: req.parentId || undefined,
    createTime: timeBounds("create_time", req.createTime),
    startTime: timeBounds("start_time", req.startTime),
    endTime: timeBounds("end_time", req.endTime),
    search: req.search.trim() ? maxLength("search", req.search.trim(), 256) : undefined,
    filter: req.filter.trim() ? compileFilter(req.filter) : undefined,
    includeArchived: req.includeArchived,
  };
}

/** PRIVATE or PUBLIC; UNSPECIFIED and unknown numbers are refused. */
export function validateVisibility(field: string, value: TaskVisibility): Visibility {
  return visibilityFromPb(value) ?? bad(field, `must be TASK_VISIBILITY_PRIVATE or TASK_VISIBILITY_PUBLIC (got ${TaskVisibility[value] ?? value})`);
}

export function validateListTasks(req: ListTasksRequest): ListTasksInput {
  const pageSize = validatePageSize("page_size", req.pageSize, LIMITS.pageSizeDefault);
  if (req.page < 0) bad("page", `must be 1 or more (got ${req.page})`);
  if (req.page > 0 && req.pageToken) bad("page", "use either page or page_token, not both");
  if (req.skip < 0 || req.skip > 1_000_000) bad("skip", `must be between 0 and 1000000 (got ${req.skip})`);
  if (req.skip > 0 && (req.page > 0 || req.pageToken)) bad("skip", "only on a first request: not with page or page_token (continue with next_page_token)");
  return {
    ...validateSelection(req),
    includePublic: req.includePublic,
    order: parseOrderBy(req.orderBy),
    pageSize,
    pageToken: req.pageToken || undefined,
    page: req.page || undefined,
    skip: req.skip || undefined,
  };
}

/** A batch targets `ids` or a `filter`, never both, never neither. */
export function validateBatchTarget(ids: readonly string[], filter: string): BatchTarget {
  if (ids.length > 0 && filter.trim()) bad("filter", "give either ids or filter, not both");
  if (ids.length === 0 && !filter.trim()) bad("ids", "give ids or a filter");
  if (ids.length > BATCH_LIMIT) bad("ids", `at most ${BATCH_LIMIT} ids (got ${ids.length})`);
  if (ids.length > 0) return { ids: ids.map((id, i) => validateId(`ids[${i}]`, id)) };
  return { selection: { filter: compileFilter(filter), includeArchived: true } };
}

export function validateIds(field: string, ids: readonly string[]): string[] {
  if (ids.length === 0) bad(field, "give at least one id");
  if (ids.length > BATCH_LIMIT) bad(field, `at most ${BATCH_LIMIT} ids (got ${ids.length})`);
  return ids.map((id, i) => validateId(`${field}[${i}]`, id));
}

/** Validates each of a batch's `requests` (1–1,000); an error names `requests[i].<field>`. */
function validateEach<R, T>(requests: readonly R[], validate: (request: R) => T): T[] {
  if (requests.length === 0) bad("requests", "give at least one request");
  if (requests.length > BATCH_LIMIT) bad("requests", `at most ${BATCH_LIMIT} requests (got ${requests.length})`);
  return requests.map((r, i) => {
    try {
      return validate(r);
    } catch (err) {
      if (err instanceof InvalidArgumentError) throw new InvalidArgumentError(`requests[${i}].${err.message}`, `requests[${i}].${err.field ?? ""}`);
      throw err;
    }
  });
}

export function validateBatchCreate(req: BatchCreateTasksRequest, defaultsFor: DefaultsFor = GLOBAL_DEFAULTS): CreateTaskInput[] {
  return validateEach(req.requests, (r) => validateCreateTask(r, defaultsFor));
}

const UPDATE_PATHS: Record<string, keyof TaskUpdate> = {
  name: "name",
  comment: "comment",
  tags: "tags",
  labels: "labels",
  project: "project",
  type: "type",
  params: "params",
  queue: "queue",
  priority: "priority",
  retry_policy: "retryPolicy",
  max_attempts: "retryPolicy",
  timeouts: "timeouts",
  dedupe_key: "dedupeKey",
  visibility: "visibility",
  artifacts: "artifacts",
};

export function validateUpdateTask(req: UpdateTaskRequest): { id: string; update: TaskUpdate; force: boolean } {
  const t = req.task;
  if (!t) bad("task", "is required");
  const id = validateId("task.id", t.id);
  const paths = req.updateMask?.paths ?? [];
  if (paths.length === 0) bad("update_mask", `name at least one field; allowed: ${Object.keys(UPDATE_PATHS).join(", ")}`);
  const update: TaskUpdate = {};
  for (const path of paths) {
    const key = UPDATE_PATHS[path];
    if (!key) bad("update_mask", `cannot update "${path.slice(0, 64)}"; allowed: ${Object.keys(UPDATE_PATHS).join(", ")}`);
    switch (key) {
      case "name":
        update.name = maxLength("task.name", t.name.trim(), LIMITS.nameLength) || bad("task.name", "must not be empty");
        break;
      case "comment":
        update.comment = maxLength("task.comment", t.comment, LIMITS.commentLength);
        break;
      case "tags":
        update.tags = validateTags("task.tags", t.tags);
        break;
      case "labels":
        update.labels = validateLabels("task.labels", t.labels);
        break;
      case "project":
        update.project = maxLength("task.project", t.project.trim(), LIMITS.projectLength) || bad("task.project", "must not be empty");
        break;
      case "type":
        if (!TYPE_RE.test(t.type)) bad("task.type", "must be a task type");
        update.type = t.type;
        break;
      case "params":
        update.params = validateParams("task.params", t.params);
        break;
      case "queue":
        if (!QUEUE_NAME_RE.test(t.queue)) bad("task.queue", "must match [a-z0-9][a-z0-9._-]{0,62}");
        update.queue = t.queue;
        break;
      case "priority":
        // 0 means "the queue's default" only on create; an update names the priority it wants.
        if (t.priority < 1 || t.priority > 100) bad("task.priority", `must be between 1 and 100 (got ${t.priority})`);
        update.priority = t.priority;
        break;
      case "retryPolicy":
        update.retryPolicy = validateRetryPolicy(t);
        break;
      case "timeouts":
        update.timeouts = validateTimeouts(t);
        break;
      case "dedupeKey":
        update.dedupeKey = t.dedupeKey ? exactKey("task.dedupe_key", t.dedupeKey, LIMITS.dedupeKeyLength) : null;
        break;
      case "visibility":
        update.visibility = validateVisibility("task.visibility", t.visibility);
        break;
      case "artifacts":
        update.artifacts = validateArtifacts("task.artifacts", t.artifacts);
        break;
    }
  }
  return { id, update, force: req.force };
}

export function validateBatchUpdate(req: BatchUpdateTasksRequest): Array<ReturnType<typeof validateUpdateTask>> {
  return validateEach(req.requests, validateUpdateTask);
}

export function validateCloneTask(req: CloneTaskRequest): { id: string; overrides: CloneOverrides; start: boolean; requestId: string | null } {
  const id = validateId("id", req.id);
  const o = req.overrides;
  const overrides: CloneOverrides = {};
  if (o) {
    if (o.name !== undefined) overrides.name = maxLength("overrides.name", o.name.trim(), LIMITS.nameLength) || undefined;
    if (o.params) overrides.params = validateParams("overrides.params", o.params);
    if (Object.keys(o.labels).length > 0) overrides.labels = validateLabels("overrides.labels", o.labels);
    if (o.tags.length > 0) overrides.tags = validateTags("overrides.tags", o.tags);
    if (o.project !== undefined) overrides.project = maxLength("overrides.project", o.project.trim(), LIMITS.projectLength) || undefined;
    if (o.queue !== undefined) {
      if (!QUEUE_NAME_RE.test(o.queue)) bad("overrides.queue", "must match [a-z0-9][a-z0-9._-]{0,62}");
      overrides.queue = o.queue;
    }
    if (o.parentId !== undefined) overrides.parentId = validateId("overrides.parent_id", o.parentId);
    if (o.priority !== undefined) {
      if (o.priority < 1 || o.priority > 100) bad("overrides.priority", "must be between 1 and 100");
      overrides.priority = o.priority;
    }
  }
  return { id, overrides, start: req.start ?? true, requestId: req.requestId ? exactKey("request_id", req.requestId, LIMITS.requestIdLength) : null };
}

/** WaitTask's timeout: default 30 s, at most 60 s. */
export function validateWaitTimeout(timeout: { seconds: bigint; nanos: number } | undefined): number {
  if (!timeout) return 30_000;
  const ms = durationToMs(timeout);
  if (ms < 0 || ms > 60_000) bad("timeout", `must be between 0 and 60 s (got ${ms} ms)`);
  return ms;
}

export function validateProject(field: string, project: string): string {
  const p = project.trim();
  if (!p) bad(field, "is required");
  return maxLength(field, p, LIMITS.projectLength);
}

export function validateTagLists(add: readonly string[], remove: readonly string[]): { add: string[]; remove: string[] } {
  if (add.length === 0 && remove.length === 0) bad("add_tags", "give tags to add or to remove");
  return { add: validateTags("add_tags", add), remove: validateTags("remove_tags", remove) };
}
