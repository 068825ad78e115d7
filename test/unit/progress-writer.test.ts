import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ProgressWriter } from "../../src/worker/progress-writer.js";
import { percentOf } from "../../src/tasks/progress.js";

const p = (current: number) => ({ current, total: 100, percent: current, message: `at ${current}` });

describe("ProgressWriter", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("writes at most once per interval and always writes the latest value in the end", async () => {
    const writes: number[] = [];
    const writer = new ProgressWriter(async (x) => void writes.push(x.current), 1000, () => undefined);
    await writer.report(p(1)); // first: at once
    for (let i = 2; i <= 50; i++) await writer.report(p(i)); // throttled
    expect(writes).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1000); // trailing write of the latest
    expect(writes).toEqual([1, 50]);
    await writer.report(p(60));
    await writer.flush();
    expect(writes).toEqual([1, 50, 60]);
  });

  it("reports write failures without throwing into the handler", async () => {
    const errors: unknown[] = [];
    const writer = new ProgressWriter(async () => Promise.reject(new Error("db down")), 0, (e) => errors.push(e));
    await writer.report(p(1));
    expect(errors).toHaveLength(1);
  });
});

describe("percentOf", () => {
  it("is 0 for unknown totals and clamps to 0–100 with two decimals", () => {
    expect(percentOf(5, 0)).toBe(0);
    expect(percentOf(1, 3)).toBe(33.33);
    expect(percentOf(7, 5)).toBe(100);
  });
});
