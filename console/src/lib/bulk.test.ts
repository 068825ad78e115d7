import { create } from "@bufbuild/protobuf";
import { createClient, createRouterTransport } from "@connectrpc/connect";
import { TaskStatus } from "@gen/taskyard/v1/task_pb.js";
import {
  BatchTaskResultSchema,
  type BatchDeleteTasksRequest,
  type BatchMoveTasksToProjectRequest,
  ListTasksRequestSchema,
  TaskService,
  type BatchRetryTasksRequest,
  type ListTasksRequest,
} from "@gen/taskyard/v1/task_service_pb.js";
import { describe, expect, it } from "vitest";
import {
  BATCH_LIMIT,
  collectIds,
  dryRunMessage,
  dryRunRequest,
  EMPTY_FIELDS,
  fieldsValid,
  parseTags,
  runBulk,
  scopedQuery,
  summarise,
  toOptions,
} from "./bulk";

/** A TaskService holding `n` tasks t1…tn, keyset-paged by offset tokens; records what it was asked. */
function fakeService(n: number) {
  const lists: ListTasksRequest[] = [];
  const retries: BatchRetryTasksRequest[] = [];
  const others: (BatchDeleteTasksRequest | BatchMoveTasksToProjectRequest)[] = [];
  const transport = createRouterTransport(({ service }) =>
    service(TaskService, {
      listTasks(req) {
        lists.push(req);
        const from = Number(req.pageToken || 0);
        const size = req.pageSize || 20;
        const to = Math.min(n, from + size);
        const tasks = Array.from({ length: to - from }, (_, i) => ({ id: `t${from + i + 1}` }));
        return { tasks, totalSize: n, nextPageToken: to < n ? String(to) : "" };
      },
      batchRetryTasks(req) {
        retries.push(req);
        return { results: req.ids.map((id) => ({ id, ok: id !== "t2", errorCode: id === "t2" ? "FAILED_PRECONDITION" : "", newTaskId: req.failedItemsOnly ? `new-${id}` : "" })) };
      },
      batchDeleteTasks(req) {
        others.push(req);
        return { results: req.ids.map((id) => ({ id, ok: true })) };
      },
      batchMoveTasksToProject(req) {
        others.push(req);
        return { results: req.ids.map((id) => ({ id, ok: true })) };
      },
    }),
  );
  return { client: createClient(TaskService, transport), lists, retries, others };
}

const view = create(ListTasksRequestSchema, { project: "p1", statuses: [TaskStatus.FAILED], pageSize: 25, pageToken: "cursor-of-page-3" });

describe("collectIds", () => {
  it("pages ListTasks with the view's request (500 a page, from the start) and stops at 1,000 ids", async () => {
    const { client, lists } = fakeService(1234);
    const { ids, total } = await collectIds(client, view);
    expect(total).toBe(1234);
    expect(ids).toHaveLength(BATCH_LIMIT);
    expect(ids[0]).toBe("t1");
    expect(ids[999]).toBe("t1000");
    expect(lists.map((r) => [r.pageSize, r.pageToken])).toEqual([
      [500, ""],
      [500, "500"],
    ]);
    expect(lists.every((r) => r.project === "p1" && r.statuses[0] === TaskStatus.FAILED)).toBe(true);
  });

  it("returns every id when fewer match, after one page", async () => {
    const { client, lists } = fakeService(3);
    expect(await collectIds(client, view)).toEqual({ ids: ["t1", "t2", "t3"], total: 3 });
    expect(lists).toHaveLength(1);
  });
});

describe("runBulk", () => {
  it("calls the batch RPC in chunks of at most 1,000 ids and keeps every result", async () => {
    const { client, retries } = fakeService(0);
    const ids = Array.from({ length: 1500 }, (_, i) => `t${i + 1}`);
    const results = await runBulk(client, "retry", ids, { reason: "bulk" });
    expect(retries.map((r) => r.ids.length)).toEqual([1000, 500]);
    expect(retries[0]!.reason).toBe("bulk");
    expect(results).toHaveLength(1500);
  });

  it("asks for the failed items only, and the results name the new tasks", async () => {
    const { client, retries } = fakeService(0);
    const results = await runBulk(client, "retryFailedItems", ["t1"]);
    expect(retries[0]!.failedItemsOnly).toBe(true);
    expect(results[0]!.newTaskId).toBe("new-t1");
  });

  it("sends what the dialog's fields say: Delete's force, Move's project", async () => {
    const { client, others } = fakeService(0);
    await runBulk(client, "delete", ["t1"], toOptions("delete", { ...EMPTY_FIELDS, force: true }));
    await runBulk(client, "move", ["t1"], toOptions("move", { ...EMPTY_FIELDS, project: " nightly " }));
    expect(others).toMatchObject([
      { ids: ["t1"], force: true },
      { ids: ["t1"], project: "nightly" },
    ]);
  });

  it("makes no call for no ids", async () => {
    const { client, retries } = fakeService(0);
    expect(await runBulk(client, "retry", [])).toEqual([]);
    expect(retries).toHaveLength(0);
  });
});

describe("summaries and messages", () => {
  it("counts successes and failures", () => {
    const r = (ok: boolean) => create(BatchTaskResultSchema, { id: "x", ok });
    expect(summarise([r(true), r(true), r(false), r(true)])).toEqual({ succeeded: 3, failed: 1, text: "3 succeeded, 1 failed" });
  });

  it("says how many tasks a by-query action touches, and that only 1,000 are above that", () => {
    expect(dryRunMessage("retry", 2)).toEqual({ text: "This will retry 2 tasks." });
    expect(dryRunMessage("delete", 1).text).toBe("This will delete 1 task.");
    const big = dryRunMessage("archive", 2500);
    expect(big.text).toBe("This will archive 2,500 tasks.");
    expect(big.capped).toContain("Only the first 1,000 are touched");
  });

  it("dry-runs one task from the first page", () => {
    const r = dryRunRequest(view);
    expect([r.pageSize, r.pageToken, r.project]).toEqual([1, "", "p1"]);
  });

  it("narrows Retry failed items to COMPLETED_WITH_ERRORS tasks", () => {
    expect(scopedQuery("retryFailedItems", create(ListTasksRequestSchema, {}))!.statuses).toEqual([TaskStatus.COMPLETED_WITH_ERRORS]);
    expect(scopedQuery("retryFailedItems", view)).toBeNull();
    expect(scopedQuery("retry", view)).toBe(view);
  });

  it("asks Tag for a tag and Move for a project before it can run", () => {
    expect(fieldsValid("tag", EMPTY_FIELDS)).toBe(false);
    expect(fieldsValid("tag", { ...EMPTY_FIELDS, removeTags: "old" })).toBe(true);
    expect(fieldsValid("move", { ...EMPTY_FIELDS, project: "  " })).toBe(false);
    expect(fieldsValid("archive", EMPTY_FIELDS)).toBe(true);
  });

  it("parses tags typed with commas or spaces", () => {
    expect(parseTags(" a, b  c,a ,")).toEqual(["a", "b", "c"]);
  });
});
