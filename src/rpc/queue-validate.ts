/**
 * QueueService request validation at the edge: proto requests → validated domain inputs. Every
 * failure is an InvalidArgumentError whose message starts with the offending field path (AIP-193).
 */
import { Position, type MoveTaskRequest, type Queue as PbQueue, type UpdateQueueRequest } from "../gen/taskyard/v1/queue_service_pb.js";
import { FAIRNESS_KEY_HELP, parseFairnessKey } from "../queues/fairness.js";
import type { MoveRequest, QueueSpec, QueueUpdate } from "../queues/service.js";
import { DEFAULT_PRIORITY, QUEUE_NAME_RE, defaultTemporalTaskQueue } from "../queues/types.js";
import { bad, validateId, validatePageSize } from "./validate.js";

const QUEUE_LIMITS = Object.freeze({
  descriptionLength: 1024,
  concurrencyLimitMax: 100_000,
  ratePerSecondMax: 10_000,
  burstMax: 100_000,
  moveCountMax: 1_000_000,
  pageSizeDefault: 100,
});

// Temporal accepts almost any string; keep to what is safe in logs, URLs and the UI.
const TEMPORAL_TASK_QUEUE_RE = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;

/** Fields UpdateQueue may name in its mask. */
const MUTABLE_PATHS = ["description", "concurrency_limit", "default_priority", "paused", "rate_limit", "rate_limit.per_second", "rate_limit.burst", "fairness_key", "temporal_task_queue"] as const;
type MutablePath = (typeof MUTABLE_PATHS)[number];

function intIn(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) bad(field, `must be between ${min} and ${max} (got ${value})`);
  return value;
}

export function validateQueueName(field: string, name: string): string {
  if (!name) bad(field, "is required");
  if (!QUEUE_NAME_RE.test(name)) bad(field, `must match [a-z0-9][a-z0-9._-]{0,62} (got "${name.slice(0, 80)}")`);
  return name;
}

/** page_size of the queue listings: 0–500, 0 meaning 100. */
export function validateQueuePageSize(field: string, size: number): number {
  return validatePageSize(field, size, QUEUE_LIMITS.pageSizeDefault);
}

const check = {
  description(v: string): string {
    if (v.length > QUEUE_LIMITS.descriptionLength) bad("queue.description", `must be at most ${QUEUE_LIMITS.descriptionLength} characters (got ${v.length})`);
    return v;
  },
  concurrencyLimit: (v: number) => intIn("queue.concurrency_limit", v, 0, QUEUE_LIMITS.concurrencyLimitMax),
  // 0 means "the default", as for a task's priority.
  defaultPriority: (v: number) => intIn("queue.default_priority", v, 0, 100) || DEFAULT_PRIORITY,
  perSecond(v: number): number {
    if (!Number.isFinite(v) || v < 0 || v > QUEUE_LIMITS.ratePerSecondMax) bad("queue.rate_limit.per_second", `must be between 0 (unlimited) and ${QUEUE_LIMITS.ratePerSecondMax} (got ${v})`);
    return v;
  },
  burst: (v: number) => intIn("queue.rate_limit.burst", v, 0, QUEUE_LIMITS.burstMax),
  fairnessKey(v: string): string {
    if (!parseFairnessKey(v)) bad("queue.fairness_key", `must be ${FAIRNESS_KEY_HELP} (got "${v.slice(0, 80)}")`);
    return v;
  },
  temporalTaskQueue(v: string): string {
    if (!TEMPORAL_TASK_QUEUE_RE.test(v) || v.startsWith("/_sys/")) bad("queue.temporal_task_queue", "must be 1–128 characters of letters, digits and . _ : / -, starting with a letter or digit");
    return v;
  },
};

export function validateCreateQueue(queue: PbQueue | undefined): QueueSpec {
  if (!queue) bad("queue", "is required");
  const name = validateQueueName("queue.name", queue.name);
  return {
    name,
    description: check.description(queue.description),
    concurrencyLimit: check.concurrencyLimit(queue.concurrencyLimit),
    defaultPriority: check.defaultPriority(queue.defaultPriority),
    paused: queue.paused,
    rateLimit: { perSecond: check.perSecond(queue.rateLimit?.perSecond ?? 0), burst: check.burst(queue.rateLimit?.burst ?? 0) },
    fairnessKey: check.fairnessKey(queue.fairnessKey),
    temporalTaskQueue: queue.temporalTaskQueue ? check.temporalTaskQueue(queue.temporalTaskQueue) : defaultTemporalTaskQueue(name),
  };
}

/**
 * AIP-134: the mask names the fields to change; no mask means every field the request sets
 * (non-default values), `*` means all of them.
 */
export function validateUpdateQueue(req: UpdateQueueRequest): { name: string; update: QueueUpdate } {
  const q = req.queue;
  if (!q) bad("queue", "is required");
  const name = validateQueueName("queue.name", q.name);
  let paths: readonly string[] = req.updateMask?.paths ?? [];
  if (paths.length === 0) {
    paths = MUTABLE_PATHS.filter((p) => {
      switch (p) {
        case "description":
          return q.description !== "";
        case "concurrency_limit":
          return q.concurrencyLimit !== 0;
        case "default_priority":
          return q.defaultPriority !== 0;
        case "paused":
          return q.paused;
        case "rate_limit":
          return q.rateLimit !== undefined;
        case "fairness_key":
          return q.fairnessKey !== "";
        case "temporal_task_queue":
          return q.temporalTaskQueue !== "";
        default:
          return false;
      }
    });
    if (paths.length === 0) bad("update_mask", "is empty and the request sets no field to change");
  } else if (paths.includes("*")) {
    if (paths.length > 1) bad("update_mask", `"*" must be the only path`);
    paths = MUTABLE_PATHS.filter((p) => !p.startsWith("rate_limit."));
  }
  const update: QueueUpdate = {};
  for (const path of paths) {
    if (!(MUTABLE_PATHS as readonly string[]).includes(path)) {
      const hint = ["name", "create_time", "update_time"].includes(path) ? "cannot be changed" : `is not a field of Queue that can be updated (${MUTABLE_PATHS.join(", ")})`;
      bad("update_mask", `"${path}" ${hint}`);
    }
    switch (path as MutablePath) {
      case "description":
        update.description = check.description(q.description);
        break;
      case "concurrency_limit":
        update.concurrencyLimit = check.concurrencyLimit(q.concurrencyLimit);
        break;
      case "default_priority":
        update.defaultPriority = check.defaultPriority(q.defaultPriority);
        break;
      case "paused":
        update.paused = q.paused;
        break;
      case "rate_limit":
        update.rateLimit = { perSecond: check.perSecond(q.rateLimit?.perSecond ?? 0), burst: check.burst(q.rateLimit?.burst ?? 0) };
        break;
      case "rate_limit.per_second":
        update.rateLimit = { ...update.rateLimit, perSecond: check.perSecond(q.rateLimit?.perSecond ?? 0) };
        break;
      case "rate_limit.burst":
        update.rateLimit = { ...update.rateLimit, burst: check.burst(q.rateLimit?.burst ?? 0) };
        break;
      case "fairness_key":
        update.fairnessKey = check.fairnessKey(q.fairnessKey);
        break;
      case "temporal_task_queue":
        update.temporalTaskQueue = q.temporalTaskQueue ? check.temporalTaskQueue(q.temporalTaskQueue) : defaultTemporalTaskQueue(name);
        break;
    }
  }
  return { name, update };
}

export function validateMoveTask(req: MoveTaskRequest): { name: string; taskId: string; move: MoveRequest } {
  const name = validateQueueName("name", req.name);
  const taskId = validateId("task_id", req.taskId);
  const forwardOrBack = req.position === Position.FORWARD || req.position === Position.BACKWARD;
  if (!forwardOrBack && req.count !== 0) bad("count", "is only for POSITION_FORWARD and POSITION_BACKWARD");
  if (req.position !== Position.BEFORE && req.beforeTaskId) bad("before_task_id", "is only for POSITION_BEFORE");
  const count = forwardOrBack ? intIn("count", req.count, 0, QUEUE_LIMITS.moveCountMax) || 1 : 0;
  switch (req.position) {
    case Position.FRONT:
      return { name, taskId, move: { kind: "front" } };
    case Position.BACK:
      return { name, taskId, move: { kind: "back" } };
    case Position.FORWARD:
      return { name, taskId, move: { kind: "forward", count } };
    case Position.BACKWARD:
      return { name, taskId, move: { kind: "backward", count } };
    case Position.BEFORE: {
      const anchorId = validateId("before_task_id", req.beforeTaskId);
      if (anchorId === taskId) bad("before_task_id", "must name another task than task_id");
      return { name, taskId, move: { kind: "before", anchorId } };
    }
    default:
      return bad("position", "must be POSITION_FRONT, POSITION_BACK, POSITION_FORWARD, POSITION_BACKWARD or POSITION_BEFORE");
  }
}
