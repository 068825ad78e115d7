/**
 * TaskService beyond the basic lifecycle: batch create/get, update with a field mask, reset,
 * clone, delete, archive, publish, events, watch and wait, Batch… by ids and by filter,
 * facets, every ListTasks filter, dedupe keys, artifacts and the commit phase.
 */
import { create } from "@bufbuild/protobuf";
import { FieldMaskSchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskStatus, type Task } from "../../src/gen/taskyard/v1/task_pb.js";
import { TaskService } from "../../src/gen/taskyard/v1/task_service_pb.js";
import { isTerminal, startTestApp, uniqueLabel, waitFor, type TestApp } from "../helpers/app.js";
import { codeOf, failure } from "../helpers/rpc.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

const mask = (...paths: string[]) => create(FieldMaskSchema, { paths });
const pending = (project: string, extra: Record<string, unknown> = {}) =>
  app.grpc.createTask({ task: { type: "demo.sleep", project, params: { steps: 1, step_ms: 1 }, ...extra }, start: false });

describe("BatchCreateTasks and BatchGetTasks", () => {
  it("creates 1,000 tasks in one call, idempotent per request_id, and reads them back in order", async () => {
    const project = uniqueLabel();
    const requests = Array.from({ length: 1000 }, (_, i) => ({ task: { type: "demo.sleep", project, labels: { n: String(i) } }, requestId: `${project}-${i}`, start: false }));
    const first = await app.grpc.batchCreateTasks({ requests });
    expect(first.tasks).toHaveLength(1000);
    expect(first.tasks.every((t) => t.status === TaskStatus.PENDING)).toBe(true);
    expect(first.tasks[7]!.labels.n).toBe("7");
    const again = await app.grpc.batchCreateTasks({ requests: requests.slice(0, 10) });
    expect(again.tasks.map((t) => t.id)).toEqual(first.tasks.slice(0, 10).map((t) => t.id));
    expect((await app.grpc.listTasks({ project, pageSize: 1 })).totalSize).toBe(1000);

    const ids = [first.tasks[3]!.id, first.tasks[1]!.id];
    expect((await app.grpc.batchGetTasks({ ids })).tasks.map((t) => t.id)).toEqual(ids);
    expect(await codeOf(app.grpc.batchGetTasks({ ids: [ids[0]!, "01900000-0000-7000-8000-000000000000"] }))).toBe("NotFound");
  });

  it("rejects the whole batch when one entry is invalid, naming the entry", async () => {
    const err = await app.grpc.batchCreateTasks({ requests: [{ task: { type: "demo.sleep" } }, { task: { type: "" } }] }).catch((e) => ConnectError.from(e));
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.InvalidArgument);
    expect((err as ConnectError).rawMessage).toMatch(/^requests\[1\]\.task\.type: is required/);
  });
});

describe("UpdateTask", () => {
  it("changes metadata any time and spec fields only while PENDING unless force", async () => {
    const project = uniqueLabel();
    const t = await pending(project);
    const renamed = await app.grpc.updateTask({ task: { id: t.id, name: "renamed", params: { steps: 2 }, tags: ["a"] }, updateMask: mask("name", "params", "tags") });
    expect(renamed).toMatchObject({ name: "renamed", params: { steps: 2 }, tags: ["a"] });

    const done = await app.grpc.createTask({ task: { type: "demo.sleep", project, params: { steps: 1, step_ms: 1 } } });
    await waitFor(() => app.grpc.getTask({ id: done.id }), isTerminal);
    expect(await codeOf(app.grpc.updateTask({ task: { id: done.id, params: { steps: 5 } }, updateMask: mask("params") }))).toBe("FailedPrecondition");
    const moved = await app.grpc.updateTask({ task: { id: done.id, project: `${project}-b`, comment: "moved" }, updateMask: mask("project", "comment") });
    expect(moved).toMatchObject({ project: `${project}-b`, comment: "moved" });
    const forced = await app.grpc.updateTask({ task: { id: done.id, params: { steps: 5 } }, updateMask: mask("params"), force: true });
    expect(forced.params).toEqual({ steps: 5 });
  });

  it("rejects an unknown mask path, naming it", async () => {
    const t = await pending(uniqueLabel());
    const err = await app.grpc.updateTask({ task: { id: t.id }, updateMask: mask("status") }).catch((e) => ConnectError.from(e));
    expect((err as ConnectError).code).toBe(Code.InvalidArgument);
    expect((err as ConnectError).rawMessage).toMatch(/^update_mask: cannot update "status"/);
  });
});

describe("ResetTask, CloneTask, DeleteTask, archive and publish", () => {
  it("resets a failed task to PENDING with progress, result and error cleared", async () => {
    const t = await app.grpc.createTask({ task: { type: "demo.partial", params: { items: 4, fail_every: 2 } } });
    const done = await waitFor(() => app.grpc.getTask({ id: t.id }), isTerminal);
    expect(done.status).toBe(TaskStatus.COMPLETED_WITH_ERRORS);
    const reset = await app.grpc.resetTask({ id: t.id, reason: "fix params" });
    expect(reset.status).toBe(TaskStatus.PENDING);
    expect(reset.progress?.current ?? 0n).toBe(0n);
    expect(reset.result).toBeUndefined();
    expect(reset.error).toBeUndefined();
    expect(reset.itemsFailed).toBe(0n);
  });

  it("clones with overrides and the source as parent", async () => {
    const project = uniqueLabel();
    const src = await pending(project, { labels: { asset: "a1", product: "mood" }, tags: ["x"] });
    const clone = await app.grpc.cloneTask({ id: src.id, overrides: { name: "copy", labels: { product: "genre" }, project: `${project}-c` }, start: false });
    expect(clone).toMatchObject({ name: "copy", project: `${project}-c`, parentId: src.id, labels: { asset: "a1", product: "genre" }, tags: ["x"], status: TaskStatus.PENDING });
    expect(clone.id).not.toBe(src.id);
    expect((await app.grpc.listTasks({ parentId: src.id })).tasks.map((t) => t.id)).toEqual([clone.id]);
  });

  it("refuses to delete a running task unless force, which aborts it first", async () => {
    const t = await app.grpc.createTask({ task: { type: "demo.sleep", params: { steps: 100, step_ms: 100 }, timeouts: { heartbeat: { seconds: 2n, nanos: 0 } } } });
    await waitFor(() => app.grpc.getTask({ id: t.id }), (x) => x.status === TaskStatus.RUNNING);
    expect(await codeOf(app.grpc.deleteTask({ id: t.id }))).toBe("FailedPrecondition");
    await app.grpc.deleteTask({ id: t.id, force: true });
    expect(await codeOf(app.grpc.getTask({ id: t.id }))).toBe("NotFound");
    expect(await codeOf(app.grpc.listTaskEvents({ id: t.id }))).toBe("NotFound");
  });

  it("hides archived tasks unless include_archived, and publishing locks a finished task", async () => {
    const project = uniqueLabel();
    const t = await app.grpc.createTask({ task: { type: "demo.sleep", project, params: { steps: 1, step_ms: 1 } } });
    await waitFor(() => app.grpc.getTask({ id: t.id }), isTerminal);
    expect((await app.grpc.archiveTask({ id: t.id })).archived).toBe(true);
    expect((await app.grpc.listTasks({ project })).totalSize).toBe(0);
    expect((await app.grpc.listTasks({ project, includeArchived: true })).totalSize).toBe(1);
    expect((await app.grpc.unarchiveTask({ id: t.id })).archived).toBe(false);

    const running = await pending(project);
    expect(await codeOf(app.grpc.publishTask({ id: running.id }))).toBe("FailedPrecondition");
    await app.grpc.publishTask({ id: t.id });
    expect(await codeOf(app.grpc.updateTask({ task: { id: t.id, name: "x" }, updateMask: mask("name") }))).toBe("FailedPrecondition");
    expect(await codeOf(app.grpc.resetTask({ id: t.id }))).toBe("FailedPrecondition");
    expect(await codeOf(app.grpc.deleteTask({ id: t.id }))).toBe("FailedPrecondition");
  });
});

describe("WatchTask and WaitTask", () => {
  it("streams every change until terminal, over gRPC and over Connect JSON", async () => {
    const t = await app.grpc.createTask({ task: { type: "demo.sleep", params: { steps: 4, step_ms: 400 } } });
    const json = createClient(TaskService, createConnectTransport({ baseUrl: app.baseUrl, httpVersion: "1.1" }));
    const collect = async (stream: AsyncIterable<Task>) => {
      const seen: Task[] = [];
      for await (const x of stream) seen.push(x);
      return seen;
    };
    const [viaGrpc, viaJson] = await Promise.all([collect(app.grpc.watchTask({ id: t.id })), collect(json.watchTask({ id: t.id }))]);
    for (const seen of [viaGrpc, viaJson]) {
      expect(seen.at(-1)!.status).toBe(TaskStatus.COMPLETED);
      const progress = seen.map((x) => Number(x.progress?.current ?? 0n));
      expect(new Set(progress).size).toBeGreaterThanOrEqual(3); // sees intermediate progress
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
    }
  });

  it("waits until terminal, or returns the task as it is when the timeout passes", async () => {
    const t = await app.grpc.createTask({ task: { type: "demo.sleep", params: { steps: 2, step_ms: 200 } } });
    const done = await app.grpc.waitTask({ id: t.id, timeout: { seconds: 20n, nanos: 0 } });
    expect(done.status).toBe(TaskStatus.COMPLETED);
    const slow = await pending(uniqueLabel());
    const still = await app.grpc.waitTask({ id: slow.id, timeout: { seconds: 0n, nanos: 300_000_000 } });
    expect(still.status).toBe(TaskStatus.PENDING);
    expect(await codeOf(app.grpc.waitTask({ id: slow.id, timeout: { seconds: 120n, nanos: 0 } }))).toBe("InvalidArgument");
  });
});

describe("Batch… by ids and by filter", () => {
  it("cancels by filter with one result per task, and reports per-task failures", async () => {
    const project = uniqueLabel();
    const a = await pending(project);
    const b = await pending(project);
    await app.grpc.cancelTask({ id: b.id });
    const res = await app.grpc.batchCancelTasks({ filter: `project = "${project}"`, reason: "cleanup" });
    const byId = Object.fromEntries(res.results.map((r) => [r.id, r]));
    expect(byId[a.id]).toMatchObject({ ok: true, errorCode: "" });
    expect(byId[b.id]).toMatchObject({ ok: false, errorCode: "FAILED_PRECONDITION" });
    expect(byId[b.id]!.errorMessage).toMatch(/already CANCELLED/);
    const unknown = await app.grpc.batchArchiveTasks({ ids: [a.id, "01900000-0000-7000-8000-000000000000"] });
    expect(unknown.results.map((r) => [r.ok, r.errorCode])).toEqual([
      [true, ""],
      [false, "NOT_FOUND"],
    ]);
  });

  it("updates tags, retries and deletes in batch", async () => {
    const project = uniqueLabel();
    const tasks = await Promise.all([pending(project), pending(project)]);
    const ids = tasks.map((t) => t.id);
    await app.grpc.batchUpdateTaskTags({ ids, addTags: ["gold", "x"], removeTags: ["none"] });
    expect((await app.grpc.listTasks({ project, tags: ["gold"] })).totalSize).toBe(2);
    await app.grpc.batchCancelTasks({ ids });
    const retried = await app.grpc.batchRetryTasks({ ids });
    expect(retried.results.every((r) => r.ok)).toBe(true);
    await waitFor(() => app.grpc.listTasks({ project, statuses: [TaskStatus.COMPLETED] }), (r) => r.totalSize === 2);
    const deleted = await app.grpc.batchDeleteTasks({ filter: `project = "${project}"` });
    expect(deleted.results.filter((r) => r.ok)).toHaveLength(2);
    expect((await app.grpc.listTasks({ project, includeArchived: true })).totalSize).toBe(0);
  });

  it("moves many tasks to another project in any status (ClearML tasks.move)", async () => {
    const project = uniqueLabel();
    const a = await pending(project);
    const b = await app.grpc.createTask({ task: { type: "demo.sleep", project, params: { steps: 1, step_ms: 1 } } });
    await waitFor(() => app.grpc.getTask({ id: b.id }), isTerminal);
    const res = await app.grpc.batchMoveTasksToProject({ filter: `project = "${project}"`, project: `${project}-moved` });
    expect(res.results.map((r) => r.ok)).toEqual([true, true]);
    expect((await app.grpc.listTasks({ project: `${project}-moved` })).tasks.map((t) => t.id).sort()).toEqual([a.id, b.id].sort());
    expect(await codeOf(app.grpc.batchMoveTasksToProject({ ids: [a.id], project: " " }))).toBe("InvalidArgument");
  });

  it("requires ids or a filter, not both", async () => {
    expect(await codeOf(app.grpc.batchCancelTasks({}))).toBe("InvalidArgument");
    expect(await codeOf(app.grpc.batchCancelTasks({ ids: ["01900000-0000-7000-8000-000000000000"], filter: "status = RUNNING" }))).toBe("InvalidArgument");
  });
});

describe("ListTasks filters and GetTaskFilterOptions", () => {
  it("filters by queue, creator, tags (incl. -tag), labels, parent, time, search, order_by and AIP-160", async () => {
    const project = uniqueLabel();
    const a = await pending(project, { tags: ["red", "big"], labels: { asset: "a1", product: "mood" }, name: "Sunset clip", priority: 75 });
    const b = await pending(project, { tags: ["red"], labels: { asset: "a2", product: "genre" }, comment: "needs review", priority: 25 });
    const c = await pending(project, { tags: ["blue"], labels: { asset: "a3" }, parentId: a.id, priority: 50 });
    const ids = async (req: Record<string, unknown>) => (await app.grpc.listTasks({ project, ...req })).tasks.map((t) => t.id);

    expect(await ids({ tags: ["red"] })).toEqual([b.id, a.id]);
    expect(await ids({ tags: ["red", "-big"] })).toEqual([b.id]);
    expect(await ids({ labels: { product: "mood" } })).toEqual([a.id]);
    expect(await ids({ parentId: a.id })).toEqual([c.id]);
    expect(await ids({ search: "sunset" })).toEqual([a.id]);
    expect(await ids({ search: "review" })).toEqual([b.id]);
    expect(await ids({ search: "a3" })).toEqual([c.id]); // label values
    expect(await ids({ queue: "default", createdBy: "anonymous" })).toHaveLength(3);
    expect(await ids({ createTime: { startTime: b.createTime } })).toEqual([c.id, b.id]);
    expect(await ids({ orderBy: "priority desc" })).toEqual([a.id, c.id, b.id]);
    expect(await ids({ orderBy: "priority" })).toEqual([b.id, c.id, a.id]);
    expect(await ids({ filter: `labels.asset = "a1" OR (tags:blue AND priority >= 50)` })).toEqual([c.id, a.id]);
    expect(await ids({ filter: `NOT tags:red` })).toEqual([c.id]);
    expect(await codeOf(app.grpc.listTasks({ orderBy: "secret desc" }))).toBe("InvalidArgument");

    const numbered = await app.grpc.listTasks({ project, pageSize: 2, page: 1 });
    const next = await app.grpc.listTasks({ project, pageSize: 2, pageToken: numbered.nextPageToken });
    expect([...numbered.tasks, ...next.tasks].map((t) => t.id)).toEqual([c.id, b.id, a.id]);

    const page1 = await app.grpc.listTasks({ project, orderBy: "priority desc", pageSize: 2 });
    const page2 = await app.grpc.listTasks({ project, orderBy: "priority desc", pageSize: 2, pageToken: page1.nextPageToken });
    expect([...page1.tasks, ...page2.tasks].map((t) => t.id)).toEqual([a.id, c.id, b.id]);
  });

  it("answers facets with counts, scoped by time", async () => {
    const project = uniqueLabel();
    const since = new Date();
    await pending(project, { tags: [`${project}-t`] });
    await pending(project, { tags: [`${project}-t`, `${project}-u`] });
    const f = await app.grpc.getTaskFilterOptions({ createTime: { startTime: { seconds: BigInt(Math.floor(since.getTime() / 1000) - 1), nanos: 0 } } });
    expect(f.projects.find((p) => p.value === project)?.count).toBe(2n);
    expect(f.tags.find((t) => t.value === `${project}-t`)?.count).toBe(2n);
    expect(f.tags.find((t) => t.value === `${project}-u`)?.count).toBe(1n);
    expect(f.statuses.find((s) => s.value === "TASK_STATUS_PENDING")?.count).toBeGreaterThanOrEqual(2n);
    expect(f.types.map((t) => t.value)).toContain("demo.sleep");
  });
});

describe("edge cases found in review", () => {
  it("treats request_id and dedupe_key as exact strings (case matters, surrounding spaces are refused)", async () => {
    const key = `Req-${uniqueLabel()}`;
    const a = await app.grpc.createTask({ task: { type: "demo.sleep" }, requestId: key, start: false });
    const b = await app.grpc.createTask({ task: { type: "demo.sleep" }, requestId: key.toLowerCase(), start: false });
    expect(b.id).not.toBe(a.id);
    expect(await codeOf(app.grpc.createTask({ task: { type: "demo.sleep" }, requestId: `${key} `, start: false }))).toBe("InvalidArgument");
    const d1 = await app.grpc.createTask({ task: { type: "demo.sleep", dedupeKey: `${key}/Mood` }, start: false });
    const d2 = await app.grpc.createTask({ task: { type: "demo.sleep", dedupeKey: `${key}/mood` }, start: false });
    expect(d2.id).not.toBe(d1.id);
  });

  it("refuses to archive a running task, and an update to priority 0", async () => {
    const q = await app.grpc.createTask({ task: { type: "demo.sleep", queue: "default", params: { steps: 1, step_ms: 1 } }, start: false });
    await app.grpc.updateTask({ task: { id: q.id, priority: 80 }, updateMask: mask("priority") });
    expect(await codeOf(app.grpc.updateTask({ task: { id: q.id, priority: 0 }, updateMask: mask("priority") }))).toBe("InvalidArgument");
    const queued = await app.grpc.createTask({ task: { type: "demo.sleep", queue: "nope-" + uniqueLabel() } }).catch(() => undefined);
    expect(queued).toBeUndefined();
    const created = await app.grpc.createTask({ task: { type: "demo.sleep", params: { steps: 50, step_ms: 100 }, timeouts: { heartbeat: { seconds: 2n, nanos: 0 } } } });
    const running = await waitFor(() => app.grpc.getTask({ id: created.id }), (t) => t.status === TaskStatus.RUNNING);
    expect(await codeOf(app.grpc.archiveTask({ id: running.id }))).toBe("FailedPrecondition");
    await app.grpc.cancelTask({ id: running.id });
  });

  it("rejects an unknown parent_id; deletes a parent only with force, which detaches its children", async () => {
    expect(await codeOf(app.grpc.createTask({ task: { type: "demo.sleep", parentId: "01900000-0000-7000-8000-000000000000" } }))).toBe("InvalidArgument");
    const parent = await pending(uniqueLabel());
    const child = await pending(uniqueLabel(), { parentId: parent.id });
    const refused = await failure(() => app.grpc.deleteTask({ id: parent.id }));
    expect(refused).toEqual({ code: "FailedPrecondition", message: `cannot delete task ${parent.id}: it has child tasks (e.g. ${child.id}); pass force to delete it and detach them` });
    expect((await app.grpc.getTask({ id: child.id })).parentId).toBe(parent.id);
    await app.grpc.deleteTask({ id: parent.id, force: true });
    expect((await app.grpc.getTask({ id: child.id })).parentId).toBe("");
  });
});

describe("retry policy and timeouts", () => {
  it("takes the task type's defaults when the request sets none, the global ones otherwise, and the request's own first", async () => {
    const typed = await app.grpc.createTask({ task: { type: "demo.analyze" }, start: false });
    expect(typed.retryPolicy).toMatchObject({ maxAttempts: 5, initialBackoff: { seconds: 0n, nanos: 500_000_000 } });
    expect(typed.timeouts?.heartbeat).toMatchObject({ seconds: 5n });
    const global = await app.grpc.createTask({ task: { type: "demo.sleep" }, start: false });
    expect(global.retryPolicy).toMatchObject({ maxAttempts: 3, initialBackoff: { seconds: 1n } });
    expect(global.timeouts?.heartbeat).toMatchObject({ seconds: 10n });
    const own = await app.grpc.createTask({ task: { type: "demo.analyze", retryPolicy: { maxAttempts: 2 }, timeouts: { heartbeat: { seconds: 3n, nanos: 0 } } }, start: false });
    expect(own.retryPolicy?.maxAttempts).toBe(2);
    expect(own.timeouts?.heartbeat).toMatchObject({ seconds: 3n });
    const batch = await app.grpc.batchCreateTasks({ requests: [{ task: { type: "demo.analyze" }, start: false }] });
    expect(batch.tasks[0]!.retryPolicy?.maxAttempts).toBe(5);
  });
});

describe("dedupe, artifacts, commit phase and named failures", () => {
  it("returns the live task for a repeated dedupe_key, and a new one once it is terminal", async () => {
    const key = `asset-a1/mood/v3/${uniqueLabel()}`;
    const first = await app.grpc.createTask({ task: { type: "demo.sleep", dedupeKey: key }, start: false });
    const again = await app.grpc.createTask({ task: { type: "demo.sleep", dedupeKey: key } });
    expect(again.id).toBe(first.id);
    await app.grpc.cancelTask({ id: first.id });
    const fresh = await app.grpc.createTask({ task: { type: "demo.sleep", dedupeKey: key }, start: false });
    expect(fresh.id).not.toBe(first.id);
  });

  it("publishes an artifact and refuses abort during the commit phase", async () => {
    const t = await app.grpc.createTask({ task: { type: "demo.analyze", params: { asset_id: "a1", product: "mood", version: "3", segments: 2, step_ms: 50, commit_ms: 2000 } } });
    await waitFor(() => app.grpc.getTask({ id: t.id }), (x) => x.progress?.message === "committing results");
    expect(await codeOf(app.grpc.cancelTask({ id: t.id }))).toBe("FailedPrecondition");
    expect((await app.grpc.getTask({ id: t.id })).cancellable).toBe(false);
    const done = await waitFor(() => app.grpc.getTask({ id: t.id }), isTerminal);
    expect(done.status).toBe(TaskStatus.COMPLETED);
    expect(done.artifacts).toEqual([expect.objectContaining({ name: "report", uri: "memory://reports/a1.json", kind: "report", metadata: { product: "mood", version: "3" } })]);
  });

  it("fails with the seed APIs' named errors and clear messages", async () => {
    const cases = [
      [{ asset_id: "missing-1" }, "ASSET_NOT_FOUND", false],
      [{ asset_id: "a1", duration_s: 3 }, "ASSET_TOO_SHORT", false],
      [{ asset_id: "a1", probe: "fail" }, "PROBE_FAILED", true],
    ] as const;
    for (const [params, errorCode, retryable] of cases) {
      const t = await app.grpc.createTask({ task: { type: "demo.analyze", params, retryPolicy: { maxAttempts: 1 } } });
      const done = await waitFor(() => app.grpc.getTask({ id: t.id }), isTerminal);
      expect(done.status, JSON.stringify(done.error)).toBe(TaskStatus.FAILED);
      expect({ code: done.error?.code, retryable: done.error?.retryable }, done.error?.message).toEqual({ code: errorCode, retryable });
      expect(done.error!.message.length).toBeGreaterThan(20);
    }
  });
});
