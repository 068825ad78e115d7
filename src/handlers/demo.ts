/**
 * Built-in demo handlers: exercise progress, abort, resume, failure and partial success
 * without any external system. A handler module like any user's (docs/workers.md): `taskyard
 * worker` runs it when no `--handlers` are given, and `taskyard dev` always does.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { defineHandler, TaskError, type HandlerContext } from "../worker/handler.js";
import type { JsonObject } from "../tasks/types.js";

export { demoItems } from "./demo-items.js";

function intParam(params: JsonObject, name: string, fallback: number, min: number, max: number): number {
  const v = params[name];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new TaskError("INVALID_PARAMS", `params.${name} must be an integer in [${min}, ${max}]`, { retryable: false });
  }
  return v;
}

/** `demo.sleep`: `steps` steps of `step_ms` each, a heartbeat per step; abortable; resumes. */
export const demoSleep = defineHandler({
  type: "demo.sleep",
  paramsSchema: {
    type: "object",
    properties: { steps: int(1, 1_000_000, "steps (default 10)"), step_ms: int(0, 3_600_000, "ms per step (default 500)") },
  },
  description: "sleeps `steps` × `step_ms` ms (defaults 10 × 500), reporting progress each step; abortable; resumes after a worker crash",
  async run(params, ctx: HandlerContext) {
    const steps = intParam(params, "steps", 10, 1, 1_000_000);
    const stepMs = intParam(params, "step_ms", 500, 0, 3_600_000);
    const resumedFrom = ctx.resumeFrom?.current ?? 0;
    let step = resumedFrom;
    await ctx.progress(step, steps, resumedFrom > 0 ? `resumed at step ${step}` : "starting");
    try {
      while (step < steps) {
        await sleep(stepMs, undefined, { signal: ctx.signal });
        step++;
        await ctx.progress(step, steps, `step ${step} of ${steps}`);
      }
    } catch (err) {
      if (ctx.signal.aborted) {
        // Cleanup runs even though the task is aborting; the message proves the handler saw it.
        ctx.log.info({ step }, "demo.sleep aborted; cleaning up");
        await ctx.progress(step, steps, `aborted at step ${step}; cleaned up`).catch(() => undefined);
      }
      throw err;
    }
    return { result: { steps, step_ms: stepMs, resumed_from: resumedFrom, execution_attempt: ctx.executionAttempt } };
  },
});

/**
 * `demo.fail`: fails with `code` (default `DEMO_FAILURE`) and `message`; `retryable` (default
 * true) decides whether Temporal retries it. With `succeed_on_attempt: n` it succeeds on the
 * n-th automatic try, to show retries working. Codes such as ASSET_NOT_FOUND, PROBE_FAILED or
 * ASSET_TOO_SHORT mirror real media-pipeline failures.
 */
export const demoFail = defineHandler({
  type: "demo.fail",
  paramsSchema: {
    type: "object",
    properties: {
      code: { type: "string", description: "error code (default DEMO_FAILURE)" },
      message: { type: "string" },
      retryable: { type: "boolean", description: "default true" },
      succeed_on_attempt: int(0, 100, "succeed on this automatic try (0 = never)"),
    },
  },
  description: "fails with params `code`, `message`, `retryable`; `succeed_on_attempt` succeeds on that try",
  async run(params, ctx) {
    const succeedOn = intParam(params, "succeed_on_attempt", 0, 0, 100);
    if (succeedOn > 0 && ctx.executionAttempt >= succeedOn) {
      return { result: { succeeded_on_attempt: ctx.executionAttempt } };
    }
    const code = typeof params.code === "string" && params.code ? params.code : "DEMO_FAILURE";
    const message = typeof params.message === "string" && params.message ? params.message : `demo failure ${code}`;
    const retryable = params.retryable !== false;
    throw new TaskError(code, message, { retryable, details: { execution_attempt: ctx.executionAttempt } });
  },
});

/** `demo.partial`: processes `items` items (default 10); every `fail_every`-th fails (default 3). */
export const demoPartial = defineHandler({
  type: "demo.partial",
  paramsSchema: {
    type: "object",
    properties: { items: int(1, 100_000, "items (default 10)"), fail_every: int(1, 100_000, "every n-th item fails (default 3)") },
  },
  description: "processes `items` items, failing every `fail_every`-th; ends COMPLETED_WITH_ERRORS",
  async run(params, ctx) {
    const items = intParam(params, "items", 10, 1, 100_000);
    const failEvery = intParam(params, "fail_every", 3, 1, 100_000);
    const failures = [];
    for (let i = 1; i <= items; i++) {
      if (i % failEvery === 0) failures.push({ item: `item-${i}`, code: "ITEM_FAILED", message: `item ${i} could not be processed` });
      await ctx.progress(i, items, `item ${i} of ${items}`);
    }
    return {
      result: { items },
      items: { succeeded: items - failures.length, failed: failures.length, failures },
    };
  },
});

/**
 * `demo.analyze`: a media-analysis pipeline in miniature (asset + product + version). Fails the
 * way real pipelines do, with clear codes: `asset_id` missing or starting with `missing` →
 * ASSET_NOT_FOUND (not retryable); `probe: "fail"` → PROBE_FAILED (retryable);
 * `duration_s` < 10 → ASSET_TOO_SHORT (not retryable). Otherwise analyses `segments` segments,
 * publishes a report artifact, and holds a final commit phase of `commit_ms` during which
 * abort is refused.
 */
export const demoAnalyze = defineHandler({
  type: "demo.analyze",
  paramsSchema: {
    type: "object",
    properties: {
      asset_id: { type: "string" },
      product: { type: "string" },
      version: { type: ["string", "integer"] },
      duration_s: { type: "number" },
      probe: { type: "string" },
      segments: int(1, 10_000, "segments (default 5)"),
      step_ms: int(0, 60_000, "ms per segment (default 100)"),
      commit_ms: int(0, 600_000, "length of the commit phase (default 0)"),
    },
  },
  description: "analyses asset `asset_id` (product, version); named failures ASSET_NOT_FOUND, PROBE_FAILED, ASSET_TOO_SHORT; commit phase of `commit_ms`",
  // Probing is flaky in real pipelines: more tries than the global default, a quicker failover.
  defaults: { retryPolicy: { maxAttempts: 5, initialBackoffMs: 500 }, timeouts: { heartbeatMs: 5_000 } },
  async run(params, ctx) {
    const asset = typeof params.asset_id === "string" ? params.asset_id : "";
    if (!asset || asset.startsWith("missing")) {
      throw new TaskError("ASSET_NOT_FOUND", `asset "${asset}" was not found in the catalog; ingest it through the Catalog API first`, { retryable: false });
    }
    if (params.probe === "fail") {
      throw new TaskError("PROBE_FAILED", `could not decode asset "${asset}" (probe failed); check the source file`, { retryable: true });
    }
    const duration = typeof params.duration_s === "number" ? params.duration_s : 600;
    if (duration < 10) {
      throw new TaskError("ASSET_TOO_SHORT", `asset "${asset}" is ${duration} s long; at least 10 s is required`, { retryable: false, details: { duration_s: duration, minimum_s: 10 } });
    }
    const segments = intParam(params, "segments", 5, 1, 10_000);
    const stepMs = intParam(params, "step_ms", 100, 0, 60_000);
    const commitMs = intParam(params, "commit_ms", 0, 0, 600_000);
    for (let i = ctx.resumeFrom?.current ?? 0; i < segments; ) {
      await sleep(stepMs, undefined, { signal: ctx.signal });
      i++;
      await ctx.progress(i, segments, `segment ${i} of ${segments}`);
    }
    await ctx.enterCommitPhase();
    await ctx.progress(segments, segments, "committing results");
    await sleep(commitMs, undefined, { signal: ctx.signal }); // a force stop or a worker shutdown still ends it
    await ctx.addArtifact({ name: "report", uri: `memory://reports/${asset}.json`, kind: "report", metadata: { product: String(params.product ?? ""), version: String(params.version ?? "") } });
    return { result: { asset_id: asset, segments, product: params.product ?? null, version: params.version ?? null } };
  },
});

function int(minimum: number, maximum: number, description: string): JsonObject {
  return { type: "integer", minimum, maximum, description };
}
