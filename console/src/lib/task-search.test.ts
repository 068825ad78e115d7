import { TaskStatus } from "@gen/taskyard/v1/task_pb.js";
import { describe, expect, it } from "vitest";
import { fromListTasksRequest, nextPage, parseTaskSearch, previousPage, queryOf, toListTasksRequest, withFilter } from "./task-search";

describe("task search in the URL", () => {
  it("keeps only well-formed values", () => {
    expect(parseTaskSearch({ status: ["RUNNING", "BOGUS"], size: "9999", type: "  demo.sleep ", tag: "gpu", archived: "true", junk: 1 })).toEqual({
      status: ["RUNNING"],
      type: "demo.sleep",
      tag: ["gpu"],
      archived: true,
    });
  });

  it("turns a view into ListTasks and back", () => {
    const view = parseTaskSearch({
      status: ["FAILED", "COMPLETED_WITH_ERRORS"],
      label: ["asset=a1", "product=p=2"],
      tag: ["-old"],
      createdFrom: "2026-11-01T00:00:00.000Z",
      q: "thumb",
      filter: "priority >= 50",
      order: "priority desc",
      size: 50,
      cursor: "abc",
    });
    const req = toListTasksRequest(view);
    expect(req.statuses).toEqual([TaskStatus.FAILED, TaskStatus.COMPLETED_WITH_ERRORS]);
    expect(req.labels).toEqual({ asset: "a1", product: "p=2" });
    expect(req.tags).toEqual(["-old"]);
    expect(req.createTime?.startTime?.seconds).toBe(BigInt(Date.parse("2026-11-01T00:00:00Z") / 1000));
    expect(req.createTime?.endTime).toBeUndefined();
    expect([req.search, req.filter, req.orderBy, req.pageSize, req.pageToken]).toEqual(["thumb", "priority >= 50", "priority desc", 50, "abc"]);
    const { cursor, ...rest } = view;
    expect(cursor).toBe("abc");
    expect(fromListTasksRequest(toListTasksRequest(view, false))).toEqual(rest);
  });

  it("goes back to the first page when a filter changes, and drops emptied filters", () => {
    expect(withFilter({ type: "a", cursor: "x", tag: ["t"] }, { tag: [], project: "p" })).toEqual({ type: "a", project: "p" });
  });

  it("keeps the saved view id and the previous cursors, which are not part of the query", () => {
    const view = parseTaskSearch({ view: "v1", prev: ["c1", ""], cursor: "c2", project: "p" });
    expect(view).toEqual({ view: "v1", prev: ["c1"], cursor: "c2", project: "p" });
    const req = toListTasksRequest(view);
    expect(req.pageToken).toBe("c2");
    expect(queryOf(view)).toEqual({ project: "p", size: 25 });
  });

  it("pages forward and back through a stack of cursors", () => {
    const first = { project: "p", view: "v" };
    const second = nextPage(first, "t2");
    expect(second).toEqual({ project: "p", view: "v", cursor: "t2" });
    const third = nextPage(second, "t3");
    expect(third).toEqual({ project: "p", view: "v", cursor: "t3", prev: ["t2"] });
    expect(previousPage(third)).toEqual(second);
    expect(previousPage(second)).toEqual(first);
  });

  it("goes back to the first page, and keeps the saved view id, when a filter changes", () => {
    expect(withFilter({ view: "v", cursor: "t3", prev: ["t2"], size: 50 }, { order: "priority desc" })).toEqual({ view: "v", size: 50, order: "priority desc" });
  });
});
