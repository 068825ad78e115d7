import { describe, expect, it } from "vitest";
import { estimateRemainingMs } from "./eta";

describe("estimateRemainingMs", () => {
  const start = new Date("2026-01-01T00:00:00Z");
  const at = (s: number) => new Date(start.getTime() + s * 1000);

  it("holds the rate so far constant", () => {
    // 3 of 10 in 30 s: 10 s a unit, 7 left.
    expect(estimateRemainingMs(start, at(30), 3, 10)).toBe(70_000);
  });

  it("is 0 once every unit is done", () => {
    expect(estimateRemainingMs(start, at(30), 10, 10)).toBe(0);
  });

  it("cannot tell before the first unit, without a total, or without a start", () => {
    expect(estimateRemainingMs(start, at(30), 0, 10)).toBeUndefined();
    expect(estimateRemainingMs(start, at(30), 3, 0)).toBeUndefined();
    expect(estimateRemainingMs(undefined, at(30), 3, 10)).toBeUndefined();
  });

  it("cannot tell when the clock is behind the start", () => {
    expect(estimateRemainingMs(start, at(-5), 3, 10)).toBeUndefined();
  });
});
