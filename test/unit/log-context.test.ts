/** The log scope (infra/log-context.ts): carried across awaits and timers, nested, and left on purpose. */
import { describe, expect, it } from "vitest";
import { currentLogFields, outsideLogScope, runInLogScope, withLogFields } from "../../src/infra/log-context.js";

const scope = (fields: Record<string, unknown>) => ({ fields: () => ({ ...fields }) });
const later = <T>(fn: () => T) => new Promise<T>((resolve) => setTimeout(() => resolve(fn()), 1));

describe("log context", () => {
  it("follows the work across awaits and timers, and is empty outside", async () => {
    expect(currentLogFields()).toEqual({});
    const seen = await runInLogScope(scope({ requestId: "r1" }), async () => {
      await new Promise((r) => setImmediate(r));
      return later(currentLogFields);
    });
    expect(seen).toEqual({ requestId: "r1" });
    expect(currentLogFields()).toEqual({});
  });

  it("adds fields over the current ones, later ones winning", () => {
    const seen = runInLogScope(scope({ requestId: "r1", tenant: "a" }), () => withLogFields({ tenant: "b", taskId: "t" }, currentLogFields));
    expect(seen).toEqual({ requestId: "r1", tenant: "b", taskId: "t" });
  });

  it("leaves the scope for work that is not about it (a dispatch pass a call woke)", async () => {
    const seen = await runInLogScope(scope({ requestId: "r1" }), () => outsideLogScope(() => later(currentLogFields)));
    expect(seen).toEqual({});
  });
});
