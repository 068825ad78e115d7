import { describe, expect, it } from "vitest";
import { limitsUpdate } from "./queue-limits";

const queue = { name: "gpu", concurrencyLimit: 2, rateLimit: { perSecond: 1, burst: 0 } };

describe("limitsUpdate", () => {
  it("names only the changed fields in the update mask", () => {
    expect(limitsUpdate(queue, { concurrencyLimit: "4", perSecond: "1", burst: "0" })).toEqual({
      request: { queue: { name: "gpu", concurrencyLimit: 4, rateLimit: { perSecond: 1, burst: 0 } }, updateMask: { paths: ["concurrency_limit"] } },
    });
    const both = limitsUpdate(queue, { concurrencyLimit: "2", perSecond: "0.5", burst: "3" });
    expect("request" in both && both.request.updateMask.paths).toEqual(["rate_limit.per_second", "rate_limit.burst"]);
  });

  it("answers an empty mask when nothing changed", () => {
    const r = limitsUpdate(queue, { concurrencyLimit: "2", perSecond: "1", burst: "0" });
    expect("request" in r && r.request.updateMask.paths).toEqual([]);
  });

  it("refuses what the server would refuse, per field", () => {
    expect(limitsUpdate(queue, { concurrencyLimit: "-1", perSecond: "20000", burst: "1.5" })).toEqual({
      errors: { concurrencyLimit: "a whole number, 0 or more", perSecond: "a number from 0 to 10,000", burst: "a whole number, 0 or more" },
    });
    expect(limitsUpdate(queue, { concurrencyLimit: "", perSecond: "1", burst: "0" })).toMatchObject({ errors: { concurrencyLimit: expect.any(String) } });
  });
});
