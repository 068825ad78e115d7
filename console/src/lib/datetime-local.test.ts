import { describe, expect, it } from "vitest";
import { isoToLocalInput, localInputToIso } from "./datetime-local";

describe("datetime-local values", () => {
  it("round-trips a local wall time through an ISO instant", () => {
    const iso = localInputToIso("2026-11-01T09:30");
    expect(iso).toBe(new Date(2026, 10, 1, 9, 30).toISOString());
    expect(isoToLocalInput(iso)).toBe("2026-11-01T09:30");
  });

  it("shows nothing for an absent or unreadable instant, and reads nothing from an incomplete value", () => {
    expect(isoToLocalInput(undefined)).toBe("");
    expect(isoToLocalInput("soon")).toBe("");
    expect(localInputToIso("")).toBeUndefined();
    expect(localInputToIso("2026-11-01")).toBeUndefined();
  });
});
