import { describe, expect, it } from "vitest";
import { facetFilter, quoteValue } from "./facet-filter";

describe("facetFilter", () => {
  it("is empty for an unfiltered view", () => {
    expect(facetFilter({ q: "ignored", createdFrom: "2026-01-01T00:00:00Z" })).toBe("");
  });

  it("ANDs the view's filter with its structured filters", () => {
    expect(
      facetFilter({
        filter: "priority >= 50 OR name:x",
        status: ["FAILED", "RUNNING"],
        project: 'p"1',
        creator: "alice",
        tag: ["gpu", "-old"],
        label: ["asset=a*1", "bad key=x", "novalue"],
        startedFrom: "2026-01-01T00:00:00Z",
        endedTo: "2026-02-01T00:00:00Z",
      }),
    ).toBe(
      '(priority >= 50 OR name:x) AND (status = FAILED OR status = RUNNING) AND project = "p\\"1" AND created_by = "alice" AND tags:"gpu" AND NOT tags:"old"' +
        ' AND labels.asset = "a\\*1" AND start_time >= "2026-01-01T00:00:00.000Z" AND end_time < "2026-02-01T00:00:00.000Z"',
    );
  });

  it("leaves out the dimension it counts", () => {
    const view = { status: ["FAILED"], type: "demo.fail", queue: "q" };
    expect(facetFilter(view)).toBe('status = FAILED AND type = "demo.fail" AND queue = "q"');
    expect(facetFilter(view, "status")).toBe('type = "demo.fail" AND queue = "q"');
    expect(facetFilter(view, "queue")).toBe('status = FAILED AND type = "demo.fail"');
  });

  it("escapes backslashes, quotes and wildcards", () => {
    expect(quoteValue('a\\b"c*')).toBe('"a\\\\b\\"c\\*"');
  });
});
