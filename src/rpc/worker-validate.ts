/**
 * Validation of WorkerService requests (the public worker contract, docs/workers.md): proto
 * requests → domain inputs, every failure an InvalidArgumentError naming the field.
 */
import type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import type { TaskType as PbTaskType, RegisterWorkerRequest } from "../gen/taskyard/v1/worker_service_pb.js";
import type { Progress as PbProgress, Artifact as PbArtifact } from "../gen/taskyard/v1/task_pb.js";
import { QUEUE_NAME_RE, DEFAULT_QUEUE } from "../queues/types.js";
import { checkSchema } from "../task-types/schema.js";
import type { TaskTypeSpec, WorkerRegistration } from "../task-types/types.js";
import type { Artifact, Progress, RetryPolicy, TaskTimeouts } from "../tasks/types.js";
import { percentOf } from "../tasks/progress.js";
import { bad, LIMITS, maxLength, TYPE_RE, validateArtifacts, validateRetryPolicy, validateTimeouts } from "./validate.js";

const WORKER_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.:@\/-]{0,127}$/;
const MAX_TYPES = 500;
const MAX_QUEUES = 100;
const MAX_SCHEMA_BYTES = 64 * 1024;
const PARAM_NAME_RE = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;

export function validateWorkerId(field: string, id: string): string {
  if (!id) bad(field, "is required");
  if (!WORKER_ID_RE.test(id)) bad(field, "must be 1–128 characters of letters, digits and _ . : @ / -, starting with a letter or digit");
  return id;
}

export function validateRegisterWorker(req: RegisterWorkerRequest): WorkerRegistration {
  const workerId = validateWorkerId("worker_id", req.workerId);
  if (req.allQueues && req.queues.length > 0) bad("queues", "must be empty with all_queues");
  const queues = req.allQueues ? "all" : req.queues.length > 0 ? [...new Set(req.queues)] : [DEFAULT_QUEUE];
  if (req.queues.length > MAX_QUEUES) bad("queues", `at most ${MAX_QUEUES} queues (got ${req.queues.length})`);
  req.queues.forEach((q, i) => QUEUE_NAME_RE.test(q) || bad(`queues[${i}]`, "must match [a-z0-9][a-z0-9._-]{0,62}"));
  if (req.taskTypes.length === 0) bad("task_types", "must name at least one type");
  if (req.taskTypes.length > MAX_TYPES) bad("task_types", `at most ${MAX_TYPES} types (got ${req.taskTypes.length})`);
  const seen = new Set<string>();
  const types = req.taskTypes.map((t, i) => {
    const spec = validateTaskTypeSpec(`task_types[${i}]`, t);
    if (seen.has(spec.type)) bad(`task_types[${i}].type`, `"${spec.type}" appears twice`);
    seen.add(spec.type);
    return spec;
  });
  return {
    workerId,
    identity: maxLength("identity", req.identity, 256),
    sdk: maxLength("sdk", req.sdk, 128),
    queues,
    types,
  };
}

function validateTaskTypeSpec(at: string, t: PbTaskType): TaskTypeSpec {
  if (!t.type) bad(`${at}.type`, "is required");
  maxLength(`${at}.type`, t.type, LIMITS.typeLength);
  if (!TYPE_RE.test(t.type)) bad(`${at}.type`, "must start with a letter or digit and contain only letters, digits, '_', '.', ':' and '-'");
  const paramsSchema = validateSchema(`${at}.params_schema`, t.paramsSchema);
  const retryItemsParam = validateRetryItemsParam(`${at}.retry_items_param`, t.retryItemsParam, paramsSchema);
  return {
    type: t.type,
    description: maxLength(`${at}.description`, t.description, 2000),
    paramsSchema,
    resultSchema: validateSchema(`${at}.result_schema`, t.resultSchema),
    retryPolicy: t.retryPolicy ? onlySet(validateRetryPolicy({ retryPolicy: t.retryPolicy, maxAttempts: 0 }, undefined, at), {
      maxAttempts: t.retryPolicy.maxAttempts > 0,
      initialBackoffMs: t.retryPolicy.initialBackoff !== undefined,
      maxBackoffMs: t.retryPolicy.maxBackoff !== undefined,
      backoffMultiplier: t.retryPolicy.backoffMultiplier > 0,
    }) : {},
    timeouts: t.timeouts ? onlySet(validateTimeouts({ timeouts: t.timeouts }, undefined, at), {
      startToCloseMs: t.timeouts.startToClose !== undefined,
      heartbeatMs: t.timeouts.heartbeat !== undefined,
    }) : {},
    ...(retryItemsParam ? { retryItemsParam } : {}),
  };
}

/**
 * The param RetryTask's `failed_items_only` rewrites: a plain name; when the type's schema lists
 * its properties, one of them that holds an array (else no task of the type could carry items).
 */
function validateRetryItemsParam(field: string, name: string, paramsSchema: JsonObject | undefined): string | undefined {
  if (!name) return undefined;
  if (!PARAM_NAME_RE.test(name)) bad(field, "must be 1–128 letters, digits, '_' and '-', starting with a letter or '_'");
  const properties = paramsSchema?.properties;
  if (properties && typeof properties === "object" && !Array.isArray(properties)) {
    const property = properties[name];
    if (property === undefined) bad(field, `"${name}" is not a property of params_schema`);
    if (!allowsArray(property)) bad(field, `params_schema.properties.${name} must be of type array`);
  }
  return name;
}

/** Whether a property schema admits an array: `type` array (or a list naming it), or an anyOf/oneOf branch that does (pydantic's Optional[list]). */
function allowsArray(schema: JsonValue): boolean {
  if (!schema || typeof schema !== "object" || Array.isArray(schema)) return false;
  const { type } = schema;
  if (type === "array" || (Array.isArray(type) && type.includes("array"))) return true;
  return [schema.anyOf, schema.oneOf].some((branches) => Array.isArray(branches) && branches.some(allowsArray));
}

/** The fields of a validated value that the request set (the rest fall back to the global defaults per task). */
function onlySet<T extends RetryPolicy | TaskTimeouts>(value: T, set: { [K in keyof T]: boolean }): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([k]) => set[k as keyof T])) as Partial<T>;
}

function validateSchema(field: string, schema: JsonObject | undefined): JsonObject | undefined {
  if (!schema || Object.keys(schema).length === 0) return undefined;
  const bytes = Buffer.byteLength(JSON.stringify(schema));
  if (bytes > MAX_SCHEMA_BYTES) bad(field, `must be at most ${MAX_SCHEMA_BYTES} bytes of JSON (got ${bytes})`);
  checkSchema(field, schema);
  return schema;
}

export function validateAttempt(field: string, attempt: number): number {
  if (attempt < 1) bad(field, "must be at least 1");
  return attempt;
}

export function validateProgress(p: PbProgress | undefined): Progress {
  if (!p) bad("progress", "is required");
  const current = Number(p.current);
  const total = Number(p.total);
  if (current < 0) bad("progress.current", "must not be negative");
  if (total < 0) bad("progress.total", "must not be negative");
  return { current, total, percent: percentOf(current, total), message: maxLength("progress.message", p.message, 512) };
}

export function validateArtifact(a: PbArtifact | undefined): Artifact {
  if (!a) bad("artifact", "is required");
  const [artifact] = validateArtifacts("artifact", [a]).map((x) => ({ ...x, kind: x.kind || "file" }));
  return artifact!;
}
