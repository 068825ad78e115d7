import { describe, expect, it } from "vitest";
import { ACTIVE_STATUSES, TASK_STATUSES, TERMINAL_STATUSES, canTransition, cancelRefusal, isTerminal, resetRefusal, retryRefusal } from "../../src/tasks/status.js";

describe("task state machine", () => {
  it("treats exactly COMPLETED, COMPLETED_WITH_ERRORS, FAILED and CANCELLED as terminal", () => {
    expect(TASK_STATUSES.filter(isTerminal)).toEqual(["COMPLETED", "COMPLETED_WITH_ERRORS", "FAILED", "CANCELLED"]);
  });

  it("lets nothing leave a terminal status except retry (→ QUEUED) and reset (→ PENDING)", () => {
    for (const from of TERMINAL_STATUSES) {
      for (const to of TASK_STATUSES) {
        const allowed = canTransition(from, to);
        if (to === "PENDING") expect(allowed).toBe(true);
        else if (to === "QUEUED") expect(allowed).toBe(from !== "COMPLETED");
        else expect(allowed, `${from} → ${to}`).toBe(false);
      }
    }
  });

  it("runs tasks only through QUEUED → RUNNING, and aborts through CANCELLING", () => {
    expect(canTransition("PENDING", "RUNNING")).toBe(false);
    expect(canTransition("QUEUED", "RUNNING")).toBe(true);
    expect(canTransition("RUNNING", "CANCELLING")).toBe(true);
    expect(canTransition("CANCELLING", "RUNNING")).toBe(false);
    expect(canTransition("CANCELLING", "CANCELLED")).toBe(true);
  });

  it("refuses abort of terminal tasks and of tasks in their commit phase, accepts a repeated abort", () => {
    for (const s of TERMINAL_STATUSES) expect(cancelRefusal(s, false)).toBe(`task is already ${s}`);
    expect(cancelRefusal("RUNNING", true)).toMatch(/final commit phase/);
    expect(cancelRefusal("RUNNING", false)).toBeUndefined();
    expect(cancelRefusal("QUEUED", false)).toBeUndefined();
    expect(cancelRefusal("CANCELLING", false)).toBeUndefined();
  });

  it("retries FAILED, CANCELLED and COMPLETED_WITH_ERRORS only, and non-retryable failures only with force", () => {
    expect(retryRefusal("FAILED", true, false)).toBeUndefined();
    expect(retryRefusal("CANCELLED", undefined, false)).toBeUndefined();
    expect(retryRefusal("COMPLETED_WITH_ERRORS", true, false)).toBeUndefined();
    expect(retryRefusal("COMPLETED", undefined, false)).toMatch(/task is COMPLETED/);
    expect(retryRefusal("RUNNING", undefined, true)).toMatch(/task is RUNNING/);
    expect(retryRefusal("FAILED", false, false)).toMatch(/non-retryable/);
    expect(retryRefusal("FAILED", false, true)).toBeUndefined();
  });

  it("resets anything but running tasks", () => {
    for (const s of TASK_STATUSES) {
      expect(resetRefusal(s) === undefined).toBe(!ACTIVE_STATUSES.includes(s));
    }
  });
});
