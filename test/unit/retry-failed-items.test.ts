/** The items a retry of failed items holds (tasks/retry-failed-items.ts failedItems). */
import { describe, expect, it } from "vitest";
import { failedItems } from "../../src/tasks/retry-failed-items.js";
import type { JsonValue } from "../../src/tasks/types.js";

const failures = (...items: string[]) => items.map((item) => ({ item, code: "X", message: "" }));

describe("failedItems", () => {
  it("keeps the failed string elements in the array's order", () => {
    expect(failedItems(["a", "b", "c", "d"], failures("d", "b"))).toEqual(["b", "d"]);
  });

  it("matches an object by its id (string or number) or its JSON text, other values by their JSON text", () => {
    const listed: JsonValue[] = [{ id: "a" }, { id: 2, x: true }, { k: 1 }, 3, true, null, ["n"]];
    expect(failedItems(listed, failures("a", "2", '{"k":1}', "3", "true", "null", '["n"]'))).toEqual(listed);
    expect(failedItems([{ id: "a", v: 1 }], failures('{"id":"a","v":1}'))).toEqual([{ id: "a", v: 1 }]);
  });

  it("adds failed items no element matches, once each, as strings; duplicates in the array all stay", () => {
    expect(failedItems(["a", "a", "b"], failures("ghost", "a", "ghost", "a"))).toEqual(["a", "a", "ghost"]);
    expect(failedItems([], failures("x"))).toEqual(["x"]);
  });

  it("does not add an item again when an element matched it under another of its names", () => {
    expect(failedItems([{ id: "a" }], failures("a", '{"id":"a"}'))).toEqual([{ id: "a" }]);
  });
});
