/**
 * Retrying only the failed items (RetryTask / BatchRetryTasks with failed_items_only, a type's
 * retry_items_param) through the real server, MariaDB and Temporal, over gRPC and Connect JSON:
 * the demo.items handler of the test app's worker, a handler of the test's own worker for the
 * matching rule and the refusals, and RegisterWorker's checks for both kits' registrations.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { JsonObject } from "@bufbuild/protobuf";
import { TaskStatus, type Task } from "../../src/gen/taskyard/v1/task_pb.js";
import { WorkerService } from "../../src/gen/taskyard/v1/worker_service_pb.js";
import { createLogger } from "../../src/infra/logger.js";
import { defineHandler } from "../../src/worker/handler.js";
import { runWorker, type RunningWorker } from "../../src/worker/run.js";
import { isTerminal, startTestApp, uniqueLabel, waitFor, type TestApp } from "../helpers/app.js";
import { PYTHON } from "../helpers/kits.js";
import { errorOf } from "../helpers/rpc.js";

/** A type of this test's worker: fails the items `report` names, and says `failed` items failed (default: as many). */
const PROBE_TYPE = `test.rfi-${uniqueLabel()}`;
const probe = defineHandler({
  type: PROBE_TYPE,
  description: "reports the item failures its params name",
  paramsSchema: {
    type: "object",
    properties: { things: { type: "array", minItems: 2 }, report: { type: "array", items: { type: "string" } }, failed: { type: "integer" } },
    required: ["things", "report"],
  },
  retryItemsParam: "things",
  async run(params) {
    const report = params.report as string[];
    const failed = typeof params.failed === "number" ? params.failed : report.length;
    return { items: { succeeded: 0, failed, failures: report.map((item) => ({ item, code: "PROBE", message: `${item} failed` })) } };
  },
});

let app: TestApp;
let worker: RunningWorker;
beforeAll(async () => {
  app = await startTestApp();
  worker = await runWorker({ handlers: [probe], url: app.baseUrl, temporal: { address: inject("temporalAddress") }, logger: createLogger("silent") });
});
afterAll(async () => {
  await worker?.stop();
  await app?.stop();
});

const ITEMS = ["a", "b", "c", "d", "e"];

async function finished(task: Pick<Task, "id">): Promise<Task> {
  return waitFor(() => app.grpc.getTask({ id: task.id }), isTerminal);
}

/** A demo.items task over ITEMS failing `fail`, run to its end. */
async function itemsTask(project: string, fail: string[]): Promise<Task> {
  return finished(await app.grpc.createTask({ task: { type: "demo.items", project, params: { items: ITEMS, fail, step_ms: 1 } } }));
}

describe("RetryTask with failed_items_only", () => {
  it("makes a new child task of only the failed items; repeated and concurrent calls answer that same task", async () => {
    const project = uniqueLabel();
    const source = await itemsTask(project, ["b", "d"]);
    expect(source.status).toBe(TaskStatus.COMPLETED_WITH_ERRORS);
    expect([source.itemsSucceeded, source.itemsFailed]).toEqual([3n, 2n]);
    expect(source.itemFailures.map((f) => f.item)).toEqual(["b", "d"]);

    const [retry, twin] = await Promise.all([
      app.grpc.retryTask({ id: source.id, failedItemsOnly: true }),
      app.grpc.retryTask({ id: source.id, failedItemsOnly: true }),
    ]);
    expect(retry.id).not.toBe(source.id);
    expect(twin.id).toBe(retry.id);
    expect(retry).toMatchObject({ type: "demo.items", project, parentId: source.id, attempt: 1 });
    expect(retry.params).toEqual({ items: ["b", "d"], fail: ["b", "d"], step_ms: 1 });
    expect(retry.labels).toMatchObject({ retry_of: source.id });
    expect(retry.status === TaskStatus.QUEUED || retry.status === TaskStatus.RUNNING || isTerminal(retry)).toBe(true);
    expect((await app.grpc.retryTask({ id: source.id, failedItemsOnly: true })).id).toBe(retry.id);

    // The source did not change; exactly one retry exists.
    expect(await app.grpc.getTask({ id: source.id })).toMatchObject({ status: TaskStatus.COMPLETED_WITH_ERRORS, attempt: 1 });
    expect((await app.grpc.listTasks({ labels: { retry_of: source.id } })).tasks.map((t) => t.id)).toEqual([retry.id]);

    // The new task runs those items only (they fail again: `fail` came along), and can be retried the same way.
    const ran = await finished(retry);
    expect(ran.status).toBe(TaskStatus.COMPLETED_WITH_ERRORS);
    expect([ran.itemsSucceeded, ran.itemsFailed]).toEqual([0n, 2n]);
    const again = await app.grpc.retryTask({ id: ran.id, failedItemsOnly: true });
    expect(again).toMatchObject({ parentId: ran.id, labels: { retry_of: ran.id }, params: { items: ["b", "d"] } });
  });

  it("answers FAILED_PRECONDITION naming why: a type without retry_items_param, a COMPLETED task, a live one (gRPC and Connect JSON)", async () => {
    const project = uniqueLabel();
    const partial = await finished(await app.grpc.createTask({ task: { type: "demo.partial", project, params: { items: 3, fail_every: 2 } } }));
    expect(partial.status).toBe(TaskStatus.COMPLETED_WITH_ERRORS);
    const noParam = await errorOf(app.grpc.retryTask({ id: partial.id, failedItemsOnly: true }));
    expect(noParam.code).toBe(Code.FailedPrecondition);
    expect(noParam.rawMessage).toMatch(/its type "demo\.partial" declares no retry_items_param/);

    const completed = await itemsTask(project, []);
    expect(completed.status).toBe(TaskStatus.COMPLETED);
    const json = await app.json("RetryTask", { id: completed.id, failedItemsOnly: true });
    expect(json.status).toBe(400);
    expect(json.body.code).toBe("failed_precondition");
    expect(json.body.message).toMatch(/only a COMPLETED_WITH_ERRORS task has failed items; task is COMPLETED/);

    const pending = await app.grpc.createTask({ task: { type: "demo.items", project, params: { items: ["x"] } }, start: false });
    expect((await errorOf(app.grpc.retryTask({ id: pending.id, failedItemsOnly: true }))).rawMessage).toMatch(/task is PENDING/);
    // Nothing was created for any of them.
    expect((await app.grpc.listTasks({ project })).totalSize).toBe(3);
  });
});

describe("BatchRetryTasks with failed_items_only (Connect JSON)", () => {
  it("answers one result per task, new_task_id on each success, by ids and by filter, safely repeated", async () => {
    const project = uniqueLabel();
    const [one, two, clean] = await Promise.all([itemsTask(project, ["a", "e"]), itemsTask(project, ["c"]), itemsTask(project, [])]);
    const byFilter = await app.json("BatchRetryTasks", { filter: `project = "${project}"`, failedItemsOnly: true });
    expect(byFilter.status).toBe(200);
    const results = new Map<string, any>(byFilter.body.results.map((r: { id: string }) => [r.id, r]));
    expect([...results.keys()].sort()).toEqual([one.id, two.id, clean.id].sort());
    // (Connect JSON leaves out false and "": no `ok`, no `newTaskId`.)
    expect(results.get(clean.id)).toEqual({ id: clean.id, errorCode: "FAILED_PRECONDITION", errorMessage: expect.stringMatching(/task is COMPLETED$/) });
    for (const [source, items] of [[one, ["a", "e"]], [two, ["c"]]] as const) {
      const r = results.get(source.id);
      expect(r).toMatchObject({ ok: true });
      const made = await app.grpc.getTask({ id: r.newTaskId });
      expect(made).toMatchObject({ parentId: source.id, labels: { retry_of: source.id }, params: { items } });
    }

    // By ids, again: the same new tasks (and one result per id, in order).
    const byIds = await app.json("BatchRetryTasks", { ids: [two.id, clean.id, one.id], failedItemsOnly: true });
    expect(byIds.body.results.map((r: { id: string; ok?: boolean; newTaskId?: string }) => [r.id, r.ok ?? false, r.newTaskId])).toEqual([
      [two.id, true, results.get(two.id).newTaskId],
      [clean.id, false, undefined],
      [one.id, true, results.get(one.id).newTaskId],
    ]);
    // Without the flag BatchRetryTasks still retries in place (no new_task_id).
    const inPlace = await app.grpc.batchRetryTasks({ ids: [two.id] });
    expect(inPlace.results).toMatchObject([{ id: two.id, ok: true, newTaskId: "" }]);
    expect((await app.grpc.getTask({ id: two.id })).attempt).toBe(2);
  });
});

describe("which items a retry holds", () => {
  const run = async (params: JsonObject) => finished(await app.grpc.createTask({ task: { type: PROBE_TYPE, params } }));

  it("matches elements by themselves, their id or their JSON text, in order, then adds unmatched failures as strings", async () => {
    const source = await run({ things: [{ id: "a", n: 1 }, { id: "b", n: 2 }, 7, "c", { k: 1 }], report: ["ghost", '{"k":1}', "7", "b"] });
    expect(source.status).toBe(TaskStatus.COMPLETED_WITH_ERRORS);
    const retry = await app.grpc.retryTask({ id: source.id, failedItemsOnly: true });
    expect(retry.params).toEqual({ things: [{ id: "b", n: 2 }, 7, { k: 1 }, "ghost"], report: source.params!.report });
  });

  it("refuses when the failed items break the type's schema, or when more items failed than were recorded", async () => {
    const one = await run({ things: ["x", "y"], report: ["x"] });
    const schema = await errorOf(app.grpc.retryTask({ id: one.id, failedItemsOnly: true }));
    expect(schema.code).toBe(Code.FailedPrecondition);
    expect(schema.rawMessage).toMatch(/the failed items do not make valid params of "test\.rfi-[^"]+": params\.things: /);

    const lost = await run({ things: ["x", "y"], report: ["x", "y"], failed: 150 });
    expect(lost.itemsFailed).toBe(150n);
    const incomplete = await errorOf(app.grpc.retryTask({ id: lost.id, failedItemsOnly: true }));
    expect(incomplete.code).toBe(Code.FailedPrecondition);
    expect(incomplete.rawMessage).toMatch(/150 items failed but only 2 are recorded in item_failures/);
  });
});

describe("retry_items_param in the registry", () => {
  const register = (taskTypes: object[]) =>
    app.json("RegisterWorker", { workerId: `w-${uniqueLabel()}`, taskTypes }, { service: "taskyard.v1.WorkerService" });
  /** The type as ListTaskTypes (gRPC) shows it, paging through every type of the tenant. */
  const listed = async (type: string) => {
    for (let pageToken = ""; ; ) {
      const page = await app.grpc.listTaskTypes({ pageSize: 100, pageToken });
      const found = page.taskTypes.find((t) => t.type === type);
      if (found || !page.nextPageToken) return found;
      pageToken = page.nextPageToken;
    }
  };

  it("is listed by ListTaskTypes: the demo types', the TypeScript kit's and the Python kit's", async () => {
    expect((await listed("demo.items"))?.retryItemsParam).toBe("items");
    expect((await listed("demo.partial"))?.retryItemsParam).toBe("");
    const json = await app.json("ListTaskTypes", { pageSize: 100 });
    expect(json.body.taskTypes.find((t: { type: string }) => t.type === "demo.items")).toMatchObject({ retryItemsParam: "items" });
    // The test's worker registered through the TypeScript kit (runWorker).
    expect((await listed(PROBE_TYPE))?.retryItemsParam).toBe("things");

    const pyType = `test.py-${uniqueLabel()}`;
    const script = [
      "import json, sys",
      "from pydantic import BaseModel",
      "from taskyard_worker import Worker, handler",
      "class P(BaseModel):\n    clips: list[str]",
      "@handler(sys.argv[1], params=P, retry_items_param='clips')\nasync def h(ctx, params):\n    return {}",
      "print(json.dumps(Worker([h], ['default'], taskyard_url='http://x').registration_body()))",
    ].join("\n");
    // Not execFileSync: blocking this process (which serves the API) for seconds lets the server
    // close kept-alive sockets the moment the client reuses them (ECONNRESET).
    const body = JSON.parse((await promisify(execFile)(PYTHON, ["-c", script, pyType], { encoding: "utf8" })).stdout);
    const res = await app.json("RegisterWorker", body, { service: "taskyard.v1.WorkerService" });
    expect(res.status).toBe(200);
    expect((await listed(pyType))?.retryItemsParam).toBe("clips");
    await app.client(WorkerService).unregisterWorker({ workerId: body.workerId });
  });

  it.each([
    ["a malformed name", { retryItemsParam: "bad name" }, /must be 1–128 letters, digits, '_' and '-'/],
    ["a param the schema lacks", { paramsSchema: { type: "object", properties: { items: { type: "array" } } }, retryItemsParam: "itemz" }, /"itemz" is not a property of params_schema/],
    ["a param that is no array", { paramsSchema: { type: "object", properties: { items: { type: "string" } } }, retryItemsParam: "items" }, /params_schema\.properties\.items must be of type array/],
  ])("refuses %s at RegisterWorker with INVALID_ARGUMENT naming the field", async (_name, spec, message) => {
    const res = await register([{ type: "ok.first" }, { type: `test.bad-${uniqueLabel()}`, ...spec }]);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("invalid_argument");
    expect(res.body.message).toMatch(/^task_types\[1\]\.retry_items_param: /);
    expect(res.body.message).toMatch(message);
  });

  it("accepts an array that may be null (pydantic's Optional[list]) and a type without a schema", async () => {
    const a = `test.ok-${uniqueLabel()}`;
    const b = `test.ok-${uniqueLabel()}`;
    const res = await register([
      { type: a, paramsSchema: { type: "object", properties: { clips: { anyOf: [{ type: "array", items: { type: "string" } }, { type: "null" }] } } }, retryItemsParam: "clips" },
      { type: b, retryItemsParam: "anything" },
    ]);
    expect(res.status).toBe(200);
    expect([(await listed(a))?.retryItemsParam, (await listed(b))?.retryItemsParam]).toEqual(["clips", "anything"]);
  });
});
