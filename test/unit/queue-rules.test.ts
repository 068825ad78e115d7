/**
 * The pure rules behind queues: token bucket, fair interleaving, positions, and request
 * validation (every error names its field).
 */
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/domain/errors.js";
import { MoveTaskRequestSchema, Position, QueueSchema, UpdateQueueRequestSchema } from "../../src/gen/taskyard/v1/queue_service_pb.js";
import { interleave, parseFairnessKey } from "../../src/queues/fairness.js";
import { between, nextPosition } from "../../src/queues/positions.js";
import { effectiveBurst, msUntilToken, tokensAt } from "../../src/queues/token-bucket.js";
import { validateCreateQueue, validateMoveTask, validateUpdateQueue } from "../../src/rpc/queue-validate.js";

const ID_A = "01890000-0000-7000-8000-000000000001";
const ID_B = "01890000-0000-7000-8000-000000000002";

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidArgumentError) return err.field;
    throw err;
  }
  throw new Error("expected an InvalidArgumentError");
}

describe("token bucket", () => {
  const limit = { perSecond: 5, burst: 3 };
  const t0 = new Date("2030-01-01T00:00:00.000Z");
  const at = (ms: number) => new Date(t0.getTime() + ms);

  it("starts full, refills at the rate and never beyond the burst", () => {
    expect(tokensAt({ tokens: 0, refillTime: null }, limit, t0)).toBe(3);
    expect(tokensAt({ tokens: 0, refillTime: t0 }, limit, at(200))).toBeCloseTo(1);
    expect(tokensAt({ tokens: 0.5, refillTime: t0 }, limit, at(100))).toBeCloseTo(1);
    expect(tokensAt({ tokens: 2, refillTime: t0 }, limit, at(60_000))).toBe(3);
  });

  it("adds nothing when another replica's clock is behind", () => {
    expect(tokensAt({ tokens: 0.25, refillTime: at(500) }, limit, t0)).toBe(0.25);
  });

  it("says when the next whole token arrives", () => {
    expect(msUntilToken(1.2, limit)).toBe(0);
    expect(msUntilToken(0, limit)).toBe(200);
    expect(msUntilToken(0.5, { perSecond: 0.5, burst: 1 })).toBe(1000);
  });

  it("gives an unset burst one second's worth, at least one", () => {
    expect(effectiveBurst({ perSecond: 5, burst: 0 })).toBe(5);
    expect(effectiveBurst({ perSecond: 0.2, burst: 0 })).toBe(1);
    expect(effectiveBurst({ perSecond: 5, burst: 2 })).toBe(2);
  });
});

describe("fairness", () => {
  it("accepts task fields and labels.<key>, nothing else", () => {
    expect(parseFairnessKey("")).toEqual({ kind: "none" });
    expect(parseFairnessKey("project")).toEqual({ kind: "field", column: "project" });
    expect(parseFairnessKey("created_by")).toEqual({ kind: "field", column: "created_by" });
    expect(parseFairnessKey("labels.customer")).toEqual({ kind: "label", label: "customer" });
    for (const bad of ["params", "labels.", "labels.a b", "labels.x'y", "status", "project; DROP"]) expect(parseFairnessKey(bad), bad).toBeUndefined();
  });

  it("lets the values take turns, each in its own order, until the limit", () => {
    const byValue = new Map([
      ["a", ["a1", "a2", "a3", "a4"]],
      ["b", ["b1"]],
      ["c", ["c1", "c2"]],
    ]);
    expect(interleave(["b", "c", "a"], byValue, 10)).toEqual(["b1", "c1", "a1", "c2", "a2", "a3", "a4"]);
    expect(interleave(["a", "b", "c"], byValue, 4)).toEqual(["a1", "b1", "c1", "a2"]);
    expect(interleave([], byValue, 4)).toEqual([]);
  });
});

describe("positions", () => {
  it("hands out strictly increasing positions even within one millisecond", () => {
    const seen = Array.from({ length: 1000 }, () => nextPosition());
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]!);
  });

  it("finds a double strictly between two neighbours until they are adjacent", () => {
    expect(between(10, 20)).toBe(15);
    const lo = 1.8e15;
    let hi = lo + 1024;
    let halvings = 0;
    for (let mid = between(lo, hi); mid !== undefined; mid = between(lo, hi)) {
      hi = mid;
      halvings++;
    }
    expect(halvings).toBeGreaterThanOrEqual(10);
    expect(between(lo, lo)).toBeUndefined();
  });
});

describe("queue request validation", () => {
  it("fills defaults for a minimal queue", () => {
    expect(validateCreateQueue(create(QueueSchema, { name: "gpu-a100" }))).toEqual({
      name: "gpu-a100",
      description: "",
      concurrencyLimit: 0,
      defaultPriority: 50,
      paused: false,
      rateLimit: { perSecond: 0, burst: 0 },
      fairnessKey: "",
      temporalTaskQueue: "taskyard.gpu-a100",
    });
  });

  it("names the field of every bad queue value", () => {
    const q = (init: object) => () => validateCreateQueue(create(QueueSchema, { name: "ok", ...init }));
    expect(fieldOf(() => validateCreateQueue(undefined))).toBe("queue");
    expect(fieldOf(q({ name: "" }))).toBe("queue.name");
    expect(fieldOf(q({ name: "Has Spaces" }))).toBe("queue.name");
    expect(fieldOf(q({ concurrencyLimit: -1 }))).toBe("queue.concurrency_limit");
    expect(fieldOf(q({ defaultPriority: 101 }))).toBe("queue.default_priority");
    expect(fieldOf(q({ rateLimit: { perSecond: -1 } }))).toBe("queue.rate_limit.per_second");
    expect(fieldOf(q({ rateLimit: { perSecond: Number.NaN } }))).toBe("queue.rate_limit.per_second");
    expect(fieldOf(q({ rateLimit: { perSecond: 1, burst: -2 } }))).toBe("queue.rate_limit.burst");
    expect(fieldOf(q({ fairnessKey: "labels.a b" }))).toBe("queue.fairness_key");
    expect(fieldOf(q({ temporalTaskQueue: "has space" }))).toBe("queue.temporal_task_queue");
    expect(fieldOf(q({ description: "x".repeat(1025) }))).toBe("queue.description");
  });

  it("updates exactly the masked fields; no mask means the fields the request sets", () => {
    const req = (queue: object, paths?: string[]) =>
      validateUpdateQueue(create(UpdateQueueRequestSchema, { queue: { name: "q", ...queue }, updateMask: paths ? { paths } : undefined }));
    expect(req({ concurrencyLimit: 4, description: "ignored" }, ["concurrency_limit"]).update).toEqual({ concurrencyLimit: 4 });
    expect(req({ paused: false }, ["paused"]).update).toEqual({ paused: false });
    expect(req({ rateLimit: { perSecond: 2 } }, ["rate_limit.per_second"]).update).toEqual({ rateLimit: { perSecond: 2 } });
    expect(req({ description: "d", fairnessKey: "project" }).update).toEqual({ description: "d", fairnessKey: "project" });
    expect(fieldOf(() => req({}))).toBe("update_mask");
    expect(fieldOf(() => req({ name: "q" }, ["name"]))).toBe("update_mask");
    expect(fieldOf(() => req({}, ["bogus"]))).toBe("update_mask");
    expect(fieldOf(() => req({ concurrencyLimit: -3 }, ["concurrency_limit"]))).toBe("queue.concurrency_limit");
  });

  it("accepts every MoveTask form and refuses fields that do not belong to it", () => {
    const move = (init: object) => validateMoveTask(create(MoveTaskRequestSchema, { name: "q", taskId: ID_A, ...init }));
    expect(move({ position: Position.FRONT }).move).toEqual({ kind: "front" });
    expect(move({ position: Position.BACK }).move).toEqual({ kind: "back" });
    expect(move({ position: Position.FORWARD }).move).toEqual({ kind: "forward", count: 1 });
    expect(move({ position: Position.BACKWARD, count: 3 }).move).toEqual({ kind: "backward", count: 3 });
    expect(move({ position: Position.BEFORE, beforeTaskId: ID_B }).move).toEqual({ kind: "before", anchorId: ID_B });
    expect(fieldOf(() => move({}))).toBe("position");
    expect(fieldOf(() => move({ position: Position.FRONT, count: 2 }))).toBe("count");
    expect(fieldOf(() => move({ position: Position.FORWARD, count: -1 }))).toBe("count");
    expect(fieldOf(() => move({ position: Position.BEFORE }))).toBe("before_task_id");
    expect(fieldOf(() => move({ position: Position.BEFORE, beforeTaskId: ID_A }))).toBe("before_task_id");
    expect(fieldOf(() => move({ position: Position.BACK, beforeTaskId: ID_B }))).toBe("before_task_id");
    expect(fieldOf(() => move({ position: Position.FRONT, taskId: "nope" }))).toBe("task_id");
  });
});
