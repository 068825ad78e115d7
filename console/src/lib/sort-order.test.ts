import { describe, expect, it } from "vitest";
import { ariaSort, nextOrder, parseOrder } from "./sort-order";

describe("column sorting", () => {
  it("reads the server's default order when none is set", () => {
    expect(parseOrder(undefined)).toEqual({ field: "create_time", desc: true });
    expect(ariaSort("", "create_time")).toBe("descending");
    expect(ariaSort("", "name")).toBe("none");
  });

  it("starts a column in its natural direction and flips it on the next click", () => {
    expect(nextOrder(undefined, "name")).toBe("name");
    expect(nextOrder("name", "name")).toBe("name desc");
    expect(nextOrder("name desc", "priority")).toBe("priority desc");
    expect(nextOrder(undefined, "create_time")).toBe("create_time");
    expect(ariaSort("priority desc, create_time", "priority")).toBe("descending");
    expect(ariaSort("name ASC", "name")).toBe("ascending");
  });
});
