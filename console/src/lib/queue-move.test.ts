import { Position } from "@gen/taskyard/v1/queue_service_pb.js";
import { describe, expect, it } from "vitest";
import { arrayMoved, canStep, planMove, planToTop } from "./queue-move";

const e = (taskId: string, priority = 50) => ({ taskId, priority });
const flat = [e("a"), e("b"), e("c"), e("d")];
// Dispatch order: the priority-75 band first, then 50.
const banded = [e("h1", 75), e("h2", 75), e("m1"), e("m2"), e("m3")];

describe("planMove", () => {
  it("moves the last entry to the top: before the first", () => {
    expect(planMove("q", flat, 3, 0)).toEqual({ request: { name: "q", taskId: "d", position: Position.BEFORE, beforeTaskId: "a" }, clamped: false });
  });

  it("moves up one place: before the entry above", () => {
    expect(planMove("q", flat, 2, 1)?.request).toMatchObject({ taskId: "c", position: Position.BEFORE, beforeTaskId: "b" });
  });

  it("moves down: before the entry that will follow it", () => {
    expect(planMove("q", flat, 0, 2)?.request).toMatchObject({ taskId: "a", position: Position.BEFORE, beforeTaskId: "d" });
  });

  it("moves to the bottom: the band's tail", () => {
    expect(planMove("q", flat, 1, 3)).toEqual({ request: { name: "q", taskId: "b", position: Position.BACK }, clamped: false });
  });

  it("answers null when nothing moves or an index is out of range", () => {
    expect(planMove("q", flat, 2, 2)).toBeNull();
    expect(planMove("q", flat, 5, 0)).toBeNull();
    expect(planMove("q", flat, 0, 4)).toBeNull();
    expect(planMove("q", [], 0, 0)).toBeNull();
  });

  it("clamps a drop above its band to the band's head", () => {
    expect(planMove("q", banded, 3, 0)).toEqual({ request: { name: "q", taskId: "m2", position: Position.FRONT }, clamped: true });
  });

  it("does not clamp a drop at the head of its own band", () => {
    expect(planMove("q", banded, 4, 2)).toEqual({ request: { name: "q", taskId: "m3", position: Position.BEFORE, beforeTaskId: "m1" }, clamped: false });
  });

  it("moves to the tail of its band when dropped last within it", () => {
    expect(planMove("q", banded, 0, 1)).toEqual({ request: { name: "q", taskId: "h1", position: Position.BACK }, clamped: false });
  });

  it("clamps a drop below its band to the band's tail", () => {
    expect(planMove("q", banded, 0, 3)).toEqual({ request: { name: "q", taskId: "h1", position: Position.BACK }, clamped: true });
  });
});

describe("canStep", () => {
  it("allows steps within a band only", () => {
    expect(canStep(banded, 0, -1)).toBe(false);
    expect(canStep(banded, 0, 1)).toBe(true);
    expect(canStep(banded, 1, 1)).toBe(false);
    expect(canStep(banded, 2, -1)).toBe(false);
    expect(canStep(banded, 4, 1)).toBe(false);
    expect(canStep(banded, 4, -1)).toBe(true);
  });
});

describe("planToTop", () => {
  it("moves to the head of its own band", () => {
    expect(planToTop("q", banded, 4)).toEqual({ request: { name: "q", taskId: "m3", position: Position.FRONT }, to: 2 });
    expect(planToTop("q", flat, 3)).toEqual({ request: { name: "q", taskId: "d", position: Position.FRONT }, to: 0 });
  });

  it("answers null at the head of a band", () => {
    expect(planToTop("q", banded, 2)).toBeNull();
    expect(planToTop("q", banded, 0)).toBeNull();
  });
});

describe("arrayMoved", () => {
  it("shows the new order without changing the input", () => {
    expect(arrayMoved(["a", "b", "c"], 2, 0)).toEqual(["c", "a", "b"]);
    expect(arrayMoved(["a", "b", "c"], 0, 2)).toEqual(["b", "c", "a"]);
    expect(flat.map((x) => x.taskId)).toEqual(["a", "b", "c", "d"]);
  });
});
