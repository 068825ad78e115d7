/**
 * `demo.items`: processes a list of named items and fails the ones listed in `fail`, so the
 * console can show partial success and RetryTask's `failed_items_only` (it declares
 * `retryItemsParam: "items"`: the retry's `items` are the failed ones). Re-exported by demo.ts.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { ItemFailure, JsonObject } from "../tasks/types.js";
import { defineHandler, TaskError } from "../worker/handler.js";

const MAX_ITEMS = 10_000;
const strings = { type: "array", items: { type: "string" }, maxItems: MAX_ITEMS } as const;

export const demoItems = defineHandler({
  type: "demo.items",
  description: "processes each of `items` (strings) in `step_ms` ms (default 100), failing those listed in `fail`; ends COMPLETED_WITH_ERRORS when some fail; RetryTask failed_items_only reruns the failed ones",
  paramsSchema: {
    type: "object",
    properties: {
      items: { ...strings, minItems: 1, description: "the items to process" },
      fail: { ...strings, description: "items that fail (default none)" },
      step_ms: { type: "integer", minimum: 0, maximum: 60_000, description: "ms per item (default 100)" },
    },
    required: ["items"],
  },
  retryItemsParam: "items",
  async run(params, ctx) {
    const items = stringList(params, "items");
    const fail = new Set(stringList(params, "fail"));
    const stepMs = typeof params.step_ms === "number" ? params.step_ms : 100;
    const failures: ItemFailure[] = [];
    await ctx.progress(0, items.length, "starting");
    for (const [i, item] of items.entries()) {
      await sleep(stepMs, undefined, { signal: ctx.signal });
      if (fail.has(item)) failures.push({ item, code: "ITEM_FAILED", message: `item "${item}" failed (it is listed in params.fail)` });
      await ctx.progress(i + 1, items.length, `item ${i + 1} of ${items.length}: ${item}`);
    }
    return {
      result: { items: items.length, failed: failures.length },
      items: { succeeded: items.length - failures.length, failed: failures.length, failures },
    };
  },
});

/** The schema already holds CreateTask to this; a task created before a schema change may not be. */
function stringList(params: JsonObject, name: string): string[] {
  const v = params[name] ?? [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
    throw new TaskError("INVALID_PARAMS", `params.${name} must be a list of strings`, { retryable: false });
  }
  return v as string[];
}
