/**
 * The seed APIs' capabilities (../shared/seeds/, mapped in docs/seed-coverage.md) that no other
 * suite proves: each test is named after the seed whose user relies on it. Real server, real
 * MariaDB, real Temporal worker; gRPC and Connect JSON.
 */
import { create } from "@bufbuild/protobuf";
import { FieldMaskSchema, timestampDate, timestampFromDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskStatus, type Task } from "../../src/gen/taskyard/v1/task_pb.js";
import { QueueService } from "../../src/gen/taskyard/v1/queue_service_pb.js";
import { isTerminal, startTestApp, uniqueLabel, waitFor, type TestApp } from "../helpers/app.js";
import { codeOf, failure } from "../helpers/rpc.js";

/** A queue of our own with concurrency 1, so dispatch order is observable (the worker serves it too). */
const serialQueue = `seed-${uniqueLabel()}`;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env: { TASKYARD_WORKER_QUEUES: `default,${serialQueue}` } });
  await app.client(QueueService).createQueue({ queue: { name: serialQueue, description: "seed-coverage: one task at a time", concurrencyLimit: 1 } });
});
afterAll(async () => {
  await app?.stop();
});

const mask = (...paths: string[]) => create(FieldMaskSchema, { paths });
const get = (id: string) => app.grpc.getTask({ id });
const untilDone = (id: string) => waitFor(() => get(id), isTerminal);
/** A task that is created but not queued (PENDING), so it stays put while the test looks at it. */
const pending = (project: string, extra: Record<string, unknown> = {}) =>
  app.grpc.createTask({ task: { type: "demo.sleep", project, params: { steps: 1, step_ms: 1 }, ...extra }, start: false });
/** A task that runs to the end at once. */
const quick = (project: string, extra: Record<string, unknown> = {}) =>
  app.grpc.createTask({ task: { type: "demo.sleep", project, params: { steps: 1, step_ms: 1 }, ...extra } });
const ids = (tasks: readonly Task[]) => tasks.map((t) => t.id);
const ms = (t: Timestamp | undefined) => (t ? timestampDate(t).getTime() : Number.NaN);

describe("Mixpeek POST /v1/tasks/list (seed 004)", () => {
  it("Mixpeek: an OR of two statuses and a NOT of a label lists the right tasks", async () => {
    const project = uniqueLabel();
    const gold = await pending(project, { labels: { tier: "gold" } });
    const silver = await pending(project, { labels: { tier: "silver" } });
    const cancelledSilver = await pending(project, { labels: { tier: "silver" } });
    const cancelledGold = await pending(project, { labels: { tier: "gold" } });
    const unlabelled = await pending(project);
    const queued = await app.grpc.createTask({ task: { type: "demo.sleep", project, queue: serialQueue, params: { steps: 1, step_ms: 1 }, labels: { tier: "silver" } } });
    await app.grpc.cancelTask({ id: cancelledSilver.id });
    await app.grpc.cancelTask({ id: cancelledGold.id });

    const res = await app.grpc.listTasks({ project, filter: `(status = PENDING OR status = CANCELLED) AND NOT labels.tier = "gold"` });
    // NOT of a missing label matches (null-safe negation), as Mixpeek's NOT of a failed condition does.
    expect(ids(res.tasks)).toEqual([unlabelled.id, cancelledSilver.id, silver.id]);
    expect(res.totalSize).toBe(3);
    expect(ids(res.tasks)).not.toContain(gold.id);
    expect(ids(res.tasks)).not.toContain(queued.id);
    await untilDone(queued.id);
  });

  it("Mixpeek: a nested AND/OR/NOT tree with eq, ne, gte, lt and contains operators lists the right tasks", async () => {
    const project = uniqueLabel();
    const a = await pending(project, { name: "Sunset clip", priority: 75, labels: { kind: "video" } });
    const b = await pending(project, { name: "Trailer", priority: 50, labels: { kind: "image" } });
    await pending(project, { name: "Teaser clip", priority: 75, tags: ["skip"] });
    const d = await pending(project, { name: "Low clip", priority: 25 });
    const e = await pending(project, { name: "Feature", priority: 60, labels: { kind: "video" } });
    const f = await pending(project, { name: "No labels", priority: 90 });
    const list = async (req: Record<string, unknown>) => ids((await app.grpc.listTasks({ project, ...req })).tasks);

    // AND[ gte, OR[ contains, ne ], NOT[ has-tag ] ]
    expect(await list({ filter: `priority >= 50 AND (name : "clip" OR labels.kind != "video") AND NOT tags:skip` })).toEqual([f.id, b.id, a.id]);
    expect(await list({ filter: `priority < 50` })).toEqual([d.id]);
    expect(await list({ filter: `NOT (priority >= 50 AND NOT labels.kind = "video")` })).toEqual([e.id, d.id, a.id]);
    // Mixpeek's shorthand {"field": "value"} equality on metadata: the labels map.
    expect(await list({ labels: { kind: "video" } })).toEqual([e.id, a.id]);
    // A bad tree is refused, naming the position, before any SQL runs.
    const err = await app.grpc.listTasks({ project, filter: `priority >= 50 AND (name : "clip"` }).catch((x) => ConnectError.from(x));
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.InvalidArgument);
    expect((err as ConnectError).rawMessage).toMatch(/^filter: .*position/);
  });

  it("Mixpeek: string matches ignore case on task columns and in search (label values too) but respect it in label and tag filters (no case_sensitive switch)", async () => {
    const project = `${uniqueLabel()}-Mixed`;
    const t = await pending(project, { name: "Sunset Clip", comment: "Needs Review", tags: ["Gold"], labels: { asset: "Asset-A1" } });
    const matches = async (req: Record<string, unknown>) => ids((await app.grpc.listTasks({ ...req })).tasks).includes(t.id);

    // Columns use utf8mb4_unicode_ci: `=` and `:` ignore case (and accents) on name, project, type, comment.
    expect(await matches({ project: project.toUpperCase() })).toBe(true);
    expect(await matches({ filter: `project = "${project.toLowerCase()}"` })).toBe(true);
    expect(await matches({ project, filter: `name = "sunset clip"` })).toBe(true);
    expect(await matches({ project, filter: `name = "Súnset Clip"` })).toBe(true);
    expect(await matches({ project, filter: `comment : "review"` })).toBe(true);
    expect(await matches({ project, type: "DEMO.SLEEP" })).toBe(true);
    expect(await matches({ project, search: "sunset" })).toBe(true);
    expect(await matches({ project, search: "needs review" })).toBe(true);

    // Labels and tags live in JSON (binary collation): exact, case-sensitive matches only.
    expect(await matches({ project, filter: `labels.asset = "Asset-A1"` })).toBe(true);
    expect(await matches({ project, filter: `labels.asset = "asset-a1"` })).toBe(false);
    expect(await matches({ project, labels: { asset: "asset-a1" } })).toBe(false);
    expect(await matches({ project, filter: `tags:Gold` })).toBe(true);
    expect(await matches({ project, filter: `tags:gold` })).toBe(false);
    expect(await matches({ project, tags: ["gold"] })).toBe(false);
    // Free-text search compares label values as it compares name and comment: any case, any accent.
    expect(await matches({ project, search: "Asset-A1" })).toBe(true);
    expect(await matches({ project, search: "asset-a1" })).toBe(true);
    expect(await matches({ project, search: "ÁSSET-A" })).toBe(true);
    expect(await matches({ project, search: "asset-a2" })).toBe(false);
  });

  it("Mixpeek: limit/offset as page_size/page (or skip, for any offset) reports total_size on every page, including a short last page and a page past the end", async () => {
    const project = uniqueLabel();
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push((await pending(project, { name: `item ${i}` })).id);
    const newestFirst = [...created].reverse();

    const pages = await Promise.all([1, 2, 3, 4].map((page) => app.grpc.listTasks({ project, pageSize: 3, page })));
    expect(pages.map((p) => p.totalSize)).toEqual([7, 7, 7, 7]);
    expect(pages.map((p) => p.tasks.length)).toEqual([3, 3, 1, 0]);
    expect(pages.flatMap((p) => ids(p.tasks))).toEqual(newestFirst);
    // total_pages = ceil(total_size / page_size); Mixpeek's offset 3 / limit 3 is page 2 of size 3.
    // Any other offset is `skip`; its next_page_token goes on right after the returned tasks.
    const skipped = await app.grpc.listTasks({ project, pageSize: 3, skip: 2 });
    expect([ids(skipped.tasks), skipped.totalSize]).toEqual([newestFirst.slice(2, 5), 7]);
    const rest = await app.grpc.listTasks({ project, pageSize: 3, pageToken: skipped.nextPageToken });
    expect([ids(rest.tasks), rest.nextPageToken]).toEqual([newestFirst.slice(5), ""]);
    const refused = await failure(() => app.grpc.listTasks({ project, pageSize: 3, page: 2, skip: 1 }));
    expect(refused).toEqual({ code: "InvalidArgument", message: "skip: only on a first request: not with page or page_token (continue with next_page_token)" });
  });

  it("Mixpeek: sort by create_time ascending or by name descending, narrowed by free-text search and task type", async () => {
    const project = uniqueLabel();
    const a = await pending(project, { name: "alpha batch" });
    const b = await pending(project, { name: "charlie batch" });
    const c = await pending(project, { name: "bravo batch" });
    await app.grpc.createTask({ task: { type: "demo.fail", project, name: "delta batch" }, start: false });
    const list = async (req: Record<string, unknown>) => ids((await app.grpc.listTasks({ project, type: "demo.sleep", ...req })).tasks);

    expect(await list({ orderBy: "create_time" })).toEqual([a.id, b.id, c.id]);
    expect(await list({ orderBy: "name desc" })).toEqual([b.id, c.id, a.id]);
    expect(await list({ orderBy: "name", search: "a b" })).toEqual([a.id]); // "alph(a b)atch"
    // Paging in a non-default order continues with the same order.
    const first = await app.grpc.listTasks({ project, type: "demo.sleep", orderBy: "create_time", pageSize: 2 });
    const second = await app.grpc.listTasks({ project, type: "demo.sleep", orderBy: "create_time", pageSize: 2, pageToken: first.nextPageToken });
    expect([...ids(first.tasks), ...ids(second.tasks)]).toEqual([a.id, b.id, c.id]);
  });

  it("Mixpeek: terminal states hold — COMPLETED and COMPLETED_WITH_ERRORS refuse abort, edit and re-run, except the explicit RetryTask of a partial success", async () => {
    const project = uniqueLabel();
    const ok = await quick(project);
    const partial = await app.grpc.createTask({ task: { type: "demo.partial", project, params: { items: 6, fail_every: 3 } } });
    const [done, part] = await Promise.all([untilDone(ok.id), untilDone(partial.id)]);
    expect(done.status).toBe(TaskStatus.COMPLETED);
    expect(part.status).toBe(TaskStatus.COMPLETED_WITH_ERRORS);
    expect(part).toMatchObject({ itemsSucceeded: 4n, itemsFailed: 2n });
    expect(part.itemFailures.map((x) => [x.item, x.code])).toEqual([
      ["item-3", "ITEM_FAILED"],
      ["item-6", "ITEM_FAILED"],
    ]);
    // Listable by the partial-success status.
    expect(ids((await app.grpc.listTasks({ project, statuses: [TaskStatus.COMPLETED_WITH_ERRORS] })).tasks)).toEqual([partial.id]);
    expect(ids((await app.grpc.listTasks({ project, filter: "status = COMPLETED_WITH_ERRORS" })).tasks)).toEqual([partial.id]);

    for (const t of [done, part]) {
      expect(t.cancellable).toBe(false);
      expect(await codeOf(app.grpc.cancelTask({ id: t.id }))).toBe("FailedPrecondition");
      expect(await codeOf(app.grpc.updateTask({ task: { id: t.id, params: { steps: 2 } }, updateMask: mask("params") }))).toBe("FailedPrecondition");
    }
    expect(await codeOf(app.grpc.retryTask({ id: done.id }))).toBe("FailedPrecondition");
    expect((await get(done.id)).status).toBe(TaskStatus.COMPLETED);
    // The one documented way out: an explicit retry of a partial success queues attempt 2.
    const again = await app.grpc.retryTask({ id: part.id });
    expect(again).toMatchObject({ status: TaskStatus.QUEUED, attempt: 2, itemsFailed: 0n });
    await untilDone(part.id);
  });
});

describe("Visual Layer Task Manager (seed 000)", () => {
  it("Visual Layer: lists by type, status, creator and a start-time window, sorted by start_time or status, page by page with a total", async () => {
    const project = uniqueLabel();
    const runs: Task[] = [];
    for (let i = 0; i < 3; i++) runs.push(await untilDone((await quick(project)).id));
    const failed = await untilDone((await app.grpc.createTask({ task: { type: "demo.fail", project, params: { retryable: false } } })).id);
    expect(failed.status).toBe(TaskStatus.FAILED);
    const creator = runs[0]!.createdBy;
    expect(creator).not.toBe("");
    const base = { project, type: "demo.sleep", statuses: [TaskStatus.COMPLETED], createdBy: creator };

    const page1 = await app.grpc.listTasks({ ...base, orderBy: "start_time", pageSize: 2, page: 1 });
    const page2 = await app.grpc.listTasks({ ...base, orderBy: "start_time", pageSize: 2, page: 2 });
    expect(page1.totalSize).toBe(3);
    expect([...ids(page1.tasks), ...ids(page2.tasks)]).toEqual(ids(runs));
    expect(ids((await app.grpc.listTasks({ ...base, orderBy: "start_time desc" })).tasks)).toEqual(ids(runs).reverse());
    // sort_by task_type (then start_time): demo.fail sorts before demo.sleep.
    expect(ids((await app.grpc.listTasks({ project, orderBy: "type, start_time" })).tasks)).toEqual([failed.id, ...ids(runs)]);
    // sort_by dataset_name: a dataset is a project here.
    const other = await pending(`${project}-a`);
    const byProject = await app.grpc.listTasks({ filter: `project = "${project}*"`, orderBy: "project desc, create_time" });
    expect(ids(byProject.tasks)).toEqual([other.id, ...ids(runs), failed.id]);

    // start_time_from / start_time_to: [start, end) over start_time.
    const window = { startTime: runs[1]!.startTime, endTime: runs[2]!.startTime };
    expect(ids((await app.grpc.listTasks({ ...base, startTime: window })).tasks)).toEqual([runs[1]!.id]);
    // Same over Connect JSON with ISO 8601 strings, as the seed's curl example sends them.
    const json = await app.json("ListTasks", {
      project,
      statuses: ["TASK_STATUS_FAILED"],
      startTime: { startTime: timestampDate(runs[0]!.startTime!).toISOString() },
      orderBy: "status",
      page: 1,
      pageSize: 5,
    });
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ totalSize: 1, tasks: [{ id: failed.id, status: "TASK_STATUS_FAILED" }] });
  });

  it("Visual Layer: a running task reports progress.percent between 0 and 100; a failed one carries status_message, error.message and end_time", async () => {
    const t = await app.grpc.createTask({ task: { type: "demo.sleep", params: { steps: 10, step_ms: 200 } } });
    const mid = await waitFor(() => get(t.id), (x) => x.status === TaskStatus.RUNNING && x.progress!.current >= 2n && x.progress!.current < 10n);
    expect(mid.progress!.total).toBe(10n);
    expect(mid.progress!.percent).toBeCloseTo(Number(mid.progress!.current) * 10, 5);
    expect(mid.endTime).toBeUndefined();
    await untilDone(t.id);

    const f = await app.json("CreateTask", { task: { type: "demo.fail", params: { code: "MODEL_TIMEOUT", message: "Model timeout after 300s", retryable: false } } });
    const done = await waitFor(() => app.json("GetTask", { id: f.body.id }), (r) => r.body.status === "TASK_STATUS_FAILED");
    expect(done.body.error).toMatchObject({ code: "MODEL_TIMEOUT", message: "Model timeout after 300s" });
    expect(done.body.statusMessage).toBe("MODEL_TIMEOUT: Model timeout after 300s");
    expect(Date.parse(done.body.endTime)).toBeGreaterThanOrEqual(Date.parse(done.body.startTime));
  });

  it("Visual Layer: retry of a task that is not FAILED or ABORTED answers FAILED_PRECONDITION (HTTP 400 over Connect JSON, as the seed's 400); an aborted task retries with the same configuration", async () => {
    const project = uniqueLabel();
    const waiting = await pending(project, { params: { steps: 2, step_ms: 10 } });
    expect(await codeOf(app.grpc.retryTask({ id: waiting.id }))).toBe("FailedPrecondition");
    const completed = await untilDone((await quick(project)).id);
    const res = await app.json("RetryTask", { id: completed.id });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: "failed_precondition" });
    expect(res.body.message).toMatch(/only FAILED, CANCELLED or COMPLETED_WITH_ERRORS/);

    const aborted = await app.grpc.cancelTask({ id: waiting.id });
    expect(aborted.status).toBe(TaskStatus.CANCELLED);
    const retried = await app.grpc.retryTask({ id: waiting.id, reason: "retry from the task manager" });
    expect(retried).toMatchObject({ status: TaskStatus.QUEUED, attempt: 2, params: { steps: 2, step_ms: 10 } });
    const done = await untilDone(waiting.id);
    expect(done.status).toBe(TaskStatus.COMPLETED);
  });

  it("Visual Layer: filter options count types, creators and statuses only inside the requested time window", async () => {
    const project = uniqueLabel();
    const before = new Date(Date.now() - 60_000);
    const first = await pending(project);
    await pending(project, { type: "demo.fail" });
    const inWindow = await app.grpc.getTaskFilterOptions({ createTime: { startTime: first.createTime } });
    expect(inWindow.projects.find((p) => p.value === project)?.count).toBe(2n);
    expect(inWindow.types.map((t) => t.value)).toEqual(expect.arrayContaining(["demo.sleep", "demo.fail"]));
    expect(inWindow.createdBy.find((c) => c.value === first.createdBy)?.count).toBeGreaterThanOrEqual(2n);
    expect(inWindow.statuses.find((s) => s.value === "TASK_STATUS_PENDING")?.count).toBeGreaterThanOrEqual(2n);
    const earlier = await app.grpc.getTaskFilterOptions({ createTime: { startTime: timestampFromDate(before), endTime: first.createTime } });
    expect(earlier.projects.find((p) => p.value === project)).toBeUndefined();
  });
});

describe("Visual Layer Task Manager (seed 000), filter options", () => {
  it("Visual Layer: filter options count the values of labels (dataset ids) of the selected tasks; bad keys are INVALID_ARGUMENT naming them", async () => {
    const project = uniqueLabel();
    await pending(project, { labels: { dataset: "ds-1", asset: "a1" } });
    await pending(project, { labels: { dataset: "ds-1" } });
    await pending(project, { labels: { dataset: "ds-2" } });
    await pending(uniqueLabel(), { labels: { dataset: "ds-other" } });
    const f = await app.grpc.getTaskFilterOptions({ filter: `project = "${project}"`, labelKeys: ["dataset", "asset", "absent"] });
    expect(f.labels.map((l) => [l.key, l.values.map((v) => [v.value, v.count])])).toEqual([
      ["dataset", [["ds-1", 2n], ["ds-2", 1n]]],
      ["asset", [["a1", 1n]]],
      ["absent", []],
    ]);
    const bad = await failure(() => app.grpc.getTaskFilterOptions({ labelKeys: ["ok", "not a key"] }));
    expect(bad).toEqual({ code: "InvalidArgument", message: "label_keys[1]: label keys must match [A-Za-z0-9_.-]{1,63}" });
  });
});

describe("ClearML tasks.* (seed 001)", () => {
  it("ClearML: force flags — retry of a non-retryable failure, reset of a published task and delete of a published task", async () => {
    const project = uniqueLabel();
    const t = await app.grpc.createTask({ task: { type: "demo.fail", project, params: { code: "BAD_INPUT", retryable: false }, retryPolicy: { maxAttempts: 1 } } });
    const failed = await untilDone(t.id);
    expect(failed.error?.retryable).toBe(false);
    expect(await codeOf(app.grpc.retryTask({ id: t.id }))).toBe("FailedPrecondition");
    expect((await app.grpc.retryTask({ id: t.id, force: true })).attempt).toBe(2);
    const again = await untilDone(t.id);
    expect(again).toMatchObject({ status: TaskStatus.FAILED, attempt: 2 });

    await app.grpc.publishTask({ id: t.id });
    expect(await codeOf(app.grpc.resetTask({ id: t.id }))).toBe("FailedPrecondition");
    const reset = await app.grpc.resetTask({ id: t.id, force: true, reason: "start over" });
    expect(reset.status).toBe(TaskStatus.PENDING);
    expect(reset.error).toBeUndefined();
    // Reset unpublishes: the task may be edited again.
    expect((await app.grpc.updateTask({ task: { id: t.id, params: { code: "X" } }, updateMask: mask("params") })).params).toEqual({ code: "X" });

    const done = await untilDone((await quick(project)).id);
    await app.grpc.publishTask({ id: done.id });
    expect(await codeOf(app.grpc.deleteTask({ id: done.id }))).toBe("FailedPrecondition");
    await app.grpc.deleteTask({ id: done.id, force: true });
    expect(await codeOf(get(done.id))).toBe("NotFound");
  });

  it("ClearML: archive_many and unarchive_many by filter and by ids answer one result per task; archived tasks show with include_archived (search_hidden)", async () => {
    const project = uniqueLabel();
    const a = await pending(project);
    const b = await pending(project);
    const archived = await app.grpc.batchArchiveTasks({ filter: `project = "${project}"` });
    expect(archived.results.map((r) => [r.id, r.ok]).sort()).toEqual([[a.id, true], [b.id, true]].sort());
    expect((await app.grpc.listTasks({ project })).totalSize).toBe(0);
    const hidden = await app.grpc.listTasks({ project, includeArchived: true, filter: "archived = true" });
    expect(hidden.totalSize).toBe(2);

    const unarchived = await app.grpc.batchUnarchiveTasks({ ids: [a.id, "01900000-0000-7000-8000-000000000000"] });
    expect(unarchived.results.map((r) => [r.id, r.ok, r.errorCode])).toEqual([
      [a.id, true, ""],
      ["01900000-0000-7000-8000-000000000000", false, "NOT_FOUND"],
    ]);
    expect(ids((await app.grpc.listTasks({ project })).tasks)).toEqual([a.id]);
  });

  it("ClearML: archive dequeues a queued task first (back to PENDING, out of the queue)", async () => {
    const queues = app.client(QueueService);
    const name = `held-${uniqueLabel()}`.toLowerCase().slice(0, 60);
    await queues.createQueue({ queue: { name } });
    await queues.pauseQueue({ name });
    const task = await app.grpc.createTask({ task: { type: "demo.sleep", queue: name, params: { steps: 1, step_ms: 1 } } });
    expect(task.status).toBe(TaskStatus.QUEUED);

    const archived = await app.grpc.archiveTask({ id: task.id });
    expect([archived.status, archived.archived]).toEqual([TaskStatus.PENDING, true]);
    expect((await queues.listQueueEntries({ name })).entries).toEqual([]);
    const last = (await app.grpc.listTaskEvents({ id: task.id })).events.at(-1);
    expect(last).toMatchObject({ fromStatus: TaskStatus.QUEUED, toStatus: TaskStatus.PENDING, reason: "USER_DEQUEUE" });
    // Resuming the queue runs nothing: the task left it.
    await queues.resumeQueue({ name });
    await new Promise((r) => setTimeout(r, 600));
    expect((await get(task.id)).status).toBe(TaskStatus.PENDING);
  });

  it("ClearML: get_types scoped to given projects — facets of the tasks a filter selects; a bad filter is INVALID_ARGUMENT naming it", async () => {
    const [p1, p2, p3] = [uniqueLabel(), uniqueLabel(), uniqueLabel()];
    await pending(p1);
    await pending(p2, { type: "demo.fail" });
    await pending(p3, { type: "demo.partial" });
    const scoped = await app.grpc.getTaskFilterOptions({ filter: `project = "${p1}" OR project = "${p2}"` });
    expect(scoped.types.map((t) => [t.value, t.count]).sort()).toEqual([
      ["demo.fail", 1n],
      ["demo.sleep", 1n],
    ]);
    expect(scoped.projects.map((p) => p.value).sort()).toEqual([p1, p2].sort());
    const bad = await failure(() => app.grpc.getTaskFilterOptions({ filter: "project = " }));
    expect(bad.code).toBe("InvalidArgument");
    expect(bad.message).toMatch(/^filter: /);
  });

  it("ClearML: add_or_update_artifacts and delete_artifacts by a client — UpdateTask replaces the list; a running task needs force", async () => {
    const t = await pending(uniqueLabel());
    const model = { name: "model", uri: "s3://b/model.pt", kind: "model", metadata: { framework: "torch" } };
    const report = { name: "report", uri: "s3://b/report.html", kind: "report", metadata: {} };
    const added = await app.grpc.updateTask({ task: { id: t.id, artifacts: [model, report] }, updateMask: mask("artifacts") });
    expect(added.artifacts.map((a) => [a.name, a.uri, a.kind, a.metadata])).toEqual([
      ["model", "s3://b/model.pt", "model", { framework: "torch" }],
      ["report", "s3://b/report.html", "report", {}],
    ]);
    // Update one, delete the other: the new list is the whole truth.
    const changed = await app.grpc.updateTask({ task: { id: t.id, artifacts: [{ ...model, uri: "s3://b/model-v2.pt" }] }, updateMask: mask("artifacts") });
    expect(changed.artifacts.map((a) => [a.name, a.uri])).toEqual([["model", "s3://b/model-v2.pt"]]);
    const dup = await failure(() => app.grpc.updateTask({ task: { id: t.id, artifacts: [model, model] }, updateMask: mask("artifacts") }));
    expect(dup).toEqual({ code: "InvalidArgument", message: 'task.artifacts[1].name: "model" appears twice; names are unique within a task' });

    const running = await app.grpc.createTask({ task: { type: "demo.sleep", params: { steps: 100, step_ms: 100 } } });
    await waitFor(() => get(running.id), (x) => x.status === TaskStatus.RUNNING);
    const refused = await failure(() => app.grpc.updateTask({ task: { id: running.id, artifacts: [report] }, updateMask: mask("artifacts") }));
    expect(refused.code).toBe("FailedPrecondition");
    expect(refused.message).toContain("pass force to replace them anyway");
    const forced = await app.grpc.updateTask({ task: { id: running.id, artifacts: [report] }, updateMask: mask("artifacts"), force: true });
    expect(forced.artifacts.map((a) => a.name)).toEqual(["report"]);
    await app.grpc.cancelTask({ id: running.id });
  });

  it("ClearML: update_batch applies many updates, each on its own, one result per request in order; a bad one is INVALID_ARGUMENT naming requests[i]", async () => {
    const project = uniqueLabel();
    const a = await pending(project);
    const b = await pending(project);
    const done = await app.grpc.cancelTask({ id: (await pending(project)).id });
    const res = await app.grpc.batchUpdateTasks({
      requests: [
        { task: { id: a.id, name: "renamed a" }, updateMask: mask("name") },
        { task: { id: done.id, params: { steps: 9 } }, updateMask: mask("params") }, // spec of a finished task: refused
        { task: { id: b.id, tags: ["x"], comment: "c" }, updateMask: mask("tags", "comment") },
      ],
    });
    expect(res.results.map((r) => [r.id, r.ok, r.errorCode])).toEqual([
      [a.id, true, ""],
      [done.id, false, "FAILED_PRECONDITION"],
      [b.id, true, ""],
    ]);
    expect((await get(a.id)).name).toBe("renamed a");
    expect([(await get(b.id)).tags, (await get(b.id)).comment]).toEqual([["x"], "c"]);
    const bad = await failure(() => app.grpc.batchUpdateTasks({ requests: [{ task: { id: a.id, name: "ok" }, updateMask: mask("name") }, { task: { id: b.id }, updateMask: mask("nope") }] }));
    expect(bad.code).toBe("InvalidArgument");
    expect(bad.message).toMatch(/^requests\[1\]\.update_mask: cannot update "nope"/);
    expect((await get(a.id)).name).toBe("renamed a"); // nothing of a refused call was applied
  });

  it("ClearML: publish_many and reset_many answer one result per task; reset_many needs force for a published task", async () => {
    const project = uniqueLabel();
    const done = await app.grpc.cancelTask({ id: (await pending(project)).id });
    const open = await pending(project);
    const published = await app.grpc.batchPublishTasks({ filter: `project = "${project}"` });
    const byId = (rs: Array<{ id: string; ok: boolean; errorCode: string }>) => new Map(rs.map((r) => [r.id, [r.ok, r.errorCode]]));
    expect(byId(published.results)).toEqual(
      new Map([
        [done.id, [true, ""]],
        [open.id, [false, "FAILED_PRECONDITION"]], // only finished tasks can be published
      ]),
    );
    expect((await get(done.id)).status).toBe(TaskStatus.CANCELLED);

    const refused = await app.grpc.batchResetTasks({ ids: [done.id, open.id], reason: "rerun all" });
    expect(byId(refused.results)).toEqual(
      new Map([
        [done.id, [false, "FAILED_PRECONDITION"]], // published: force needed
        [open.id, [true, ""]], // already PENDING: a no-op
      ]),
    );
    const forced = await app.grpc.batchResetTasks({ ids: [done.id], reason: "rerun all", force: true });
    expect(forced.results.map((r) => [r.id, r.ok])).toEqual([[done.id, true]]);
    const reset = await get(done.id);
    expect(reset.status).toBe(TaskStatus.PENDING);
    const events = (await app.grpc.listTaskEvents({ id: done.id })).events;
    expect(events.at(-1)).toMatchObject({ toStatus: TaskStatus.PENDING, message: "rerun all" });
  });

  it("ClearML: get_all filters — ids, name pattern, several projects and types, parent, status-changed window, creator", async () => {
    const p1 = uniqueLabel();
    const p2 = uniqueLabel();
    const a = await pending(p1, { name: "exp-train-1" });
    const b = await pending(p2, { name: "exp-train-2" });
    const c = await app.grpc.createTask({ task: { type: "demo.fail", project: p2, name: "exp-eval-1", parentId: a.id }, start: false });
    const inProjects = `(project = "${p1}" OR project = "${p2}")`;
    const list = async (filter: string) => ids((await app.grpc.listTasks({ filter: `${inProjects} AND ${filter}` })).tasks);

    expect(await list(`id = "${b.id}"`)).toEqual([b.id]);
    expect(ids((await app.grpc.batchGetTasks({ ids: [c.id, a.id] })).tasks)).toEqual([c.id, a.id]);
    expect(await list(`name = "exp-train-*"`)).toEqual([b.id, a.id]);
    expect(await list(`(type = "demo.sleep" OR type = "demo.fail") AND status = PENDING`)).toEqual([c.id, b.id, a.id]);
    expect(await list(`parent_id = "${a.id}"`)).toEqual([c.id]);
    expect(await list(`created_by = "${a.createdBy}"`)).toEqual([c.id, b.id, a.id]);
    // include_subprojects: project names are paths, and a trailing * takes the subtree.
    const sub = await pending(`${p1}/tuning`);
    expect(ids((await app.grpc.listTasks({ filter: `project = "${p1}*"` })).tasks)).toEqual([sub.id, a.id]);

    // status_changed ">= t": tasks whose status changed since t (update_time / end_time in the filter).
    const mark = new Date();
    await new Promise((r) => setTimeout(r, 20));
    await app.grpc.cancelTask({ id: b.id });
    expect(await list(`update_time >= "${mark.toISOString()}"`)).toEqual([b.id]);
    expect(await list(`end_time >= "${mark.toISOString()}" AND status = CANCELLED`)).toEqual([b.id]);
  });

  it("ClearML: scroll — page tokens of the default order continue without repeats or gaps while new tasks arrive between pages", async () => {
    const project = uniqueLabel();
    const older: string[] = [];
    for (let i = 0; i < 5; i++) older.push((await pending(project)).id);
    const page1 = await app.grpc.listTasks({ project, pageSize: 2 });
    expect(ids(page1.tasks)).toEqual([older[4], older[3]]);
    // Two newer tasks land between the calls; the scroll is unaffected.
    await pending(project);
    await pending(project);
    const page2 = await app.grpc.listTasks({ project, pageSize: 2, pageToken: page1.nextPageToken });
    const page3 = await app.grpc.listTasks({ project, pageSize: 2, pageToken: page2.nextPageToken });
    expect([...ids(page2.tasks), ...ids(page3.tasks)]).toEqual([older[2], older[1], older[0]]);
    expect(page3.nextPageToken).toBe("");
    expect(page3.totalSize).toBe(7);
  });

  it("ClearML: ping — a running task's last_heartbeat_time and update_time advance with its handler's heartbeats", async () => {
    const t = await app.grpc.createTask({ task: { type: "demo.sleep", params: { steps: 10, step_ms: 250 } } });
    const early = await waitFor(() => get(t.id), (x) => x.status === TaskStatus.RUNNING && x.lastHeartbeatTime !== undefined && x.progress!.current >= 1n);
    const later = await waitFor(() => get(t.id), (x) => x.progress!.current >= early.progress!.current + 3n);
    expect(ms(later.lastHeartbeatTime)).toBeGreaterThan(ms(early.lastHeartbeatTime));
    expect(ms(later.updateTime)).toBeGreaterThan(ms(early.updateTime));
    expect(ms(later.lastHeartbeatTime)).toBeGreaterThanOrEqual(ms(later.startTime));
    await untilDone(t.id);
  });

  it("ClearML: clone copies params, tags, comment and retry policy, overrides params, tags, priority and project, and start=true queues the copy", async () => {
    const project = uniqueLabel();
    const src = await pending(project, { name: "base", comment: "baseline", tags: ["exp"], params: { steps: 1, step_ms: 5 }, retryPolicy: { maxAttempts: 4 } });
    const same = await app.grpc.cloneTask({ id: src.id, start: false });
    expect(same).toMatchObject({ name: "base", comment: "baseline", tags: ["exp"], params: { steps: 1, step_ms: 5 }, parentId: src.id, status: TaskStatus.PENDING });
    expect(same.retryPolicy?.maxAttempts).toBe(4);

    const tuned = await app.grpc.cloneTask({
      id: src.id,
      overrides: { params: { steps: 2, step_ms: 5 }, tags: ["exp", "lr-0.1"], priority: 75, project: `${project}-b` },
      requestId: `${project}-clone`,
    });
    expect(tuned).toMatchObject({ params: { steps: 2, step_ms: 5 }, tags: ["exp", "lr-0.1"], priority: 75, project: `${project}-b`, status: TaskStatus.QUEUED });
    // The clone's request_id makes it idempotent.
    expect((await app.grpc.cloneTask({ id: src.id, requestId: `${project}-clone` })).id).toBe(tuned.id);
    expect((await untilDone(tuned.id)).result).toMatchObject({ steps: 2 });
  });
});

describe("research tool Tasks API (seed 002)", () => {
  it("Research tool: lists a project's tasks by status with a limit, newest first; the detail carries params, result, progress/total and created/started/completed times", async () => {
    const project = uniqueLabel();
    const waiting = [];
    for (let i = 0; i < 3; i++) waiting.push((await app.json("CreateTask", { task: { type: "demo.sleep", project }, start: false })).body.id);
    const ran = (await app.json("CreateTask", { task: { type: "demo.sleep", project, params: { steps: 4, step_ms: 20 } } })).body.id;
    await waitFor(() => app.json("GetTask", { id: ran }), (r) => r.body.status === "TASK_STATUS_COMPLETED");

    // GET /tasks?project_id=1&status=pending&limit=2
    const list = await app.json("ListTasks", { project, statuses: ["TASK_STATUS_PENDING"], pageSize: 2 });
    expect(list.body.tasks.map((t: { id: string }) => t.id)).toEqual([waiting[2], waiting[1]]);
    expect(list.body.totalSize).toBe(3);

    // GET /tasks/{id}
    const detail = (await app.json("GetTask", { id: ran })).body;
    expect(detail).toMatchObject({ project, type: "demo.sleep", params: { steps: 4, step_ms: 20 }, result: { steps: 4 }, progress: { current: "4", total: "4" } });
    expect(detail.error).toBeUndefined();
    const [created, started, completed] = [detail.createTime, detail.startTime, detail.endTime].map(Date.parse);
    expect(created).toBeLessThanOrEqual(started!);
    expect(started).toBeLessThanOrEqual(completed!);

    // POST /tasks/{id}/cancel on a pending task, then again once it is terminal (the seed's 400).
    expect((await app.json("CancelTask", { id: waiting[0] })).body.status).toBe("TASK_STATUS_CANCELLED");
    const again = await app.json("CancelTask", { id: waiting[0] });
    expect([again.status, again.body.code]).toEqual([400, "failed_precondition"]);
  });
});

describe("Vionlabs Task API (seed 003)", () => {
  it("Vionlabs: a task for asset + product + version is found by its labels, and re-triggering it while it runs returns the live task", async () => {
    const asset = `asset-${uniqueLabel()}`;
    const key = `${asset}/mood/3`;
    const spec = {
      type: "demo.analyze",
      params: { asset_id: asset, product: "mood", version: "3", segments: 8, step_ms: 200 },
      labels: { asset, product: "mood", version: "3" },
      dedupeKey: key,
      priority: 75,
    };
    const first = await app.grpc.createTask({ task: spec });
    await waitFor(() => get(first.id), (t) => t.status === TaskStatus.RUNNING);
    const retrigger = await app.grpc.createTask({ task: spec });
    expect(retrigger.id).toBe(first.id);
    expect(retrigger.status).toBe(TaskStatus.RUNNING);

    const byLabels = await app.grpc.listTasks({ labels: { asset, product: "mood", version: "3" } });
    expect(ids(byLabels.tasks)).toEqual([first.id]);
    expect(ids((await app.grpc.listTasks({ filter: `labels.asset = "${asset}" AND labels.version = "3"` })).tasks)).toEqual([first.id]);

    const done = await untilDone(first.id);
    expect(done.status).toBe(TaskStatus.COMPLETED);
    expect(done.result).toMatchObject({ asset_id: asset, product: "mood", version: "3" });
    // Once it is done, the same trigger starts a new analysis (e.g. after a model update).
    const rerun = await app.grpc.createTask({ task: { ...spec, params: { ...spec.params, segments: 1, step_ms: 1 } } });
    expect(rerun.id).not.toBe(first.id);
    await untilDone(rerun.id);
  });

  it("Vionlabs: high, medium and low priorities (75/50/25) are dispatched highest first", async () => {
    const project = uniqueLabel();
    // A blocker holds the queue's single slot while the three tasks are queued behind it.
    const blocker = await app.grpc.createTask({ task: { type: "demo.sleep", project, queue: serialQueue, params: { steps: 4, step_ms: 250 } } });
    await waitFor(() => get(blocker.id), (t) => t.status === TaskStatus.RUNNING);
    const make = (name: string, priority: number) =>
      app.json("CreateTask", { task: { type: "demo.sleep", project, queue: serialQueue, name, priority, params: { steps: 1, step_ms: 50 } } });
    const low = (await make("low", 25)).body;
    const high = (await make("high", 75)).body;
    const medium = (await make("medium", 50)).body;
    expect([low.priority, high.priority, medium.priority]).toEqual([25, 75, 50]);

    const finished = await Promise.all([low.id, high.id, medium.id].map((id: string) => untilDone(id)));
    const byStart = [...finished].sort((x, y) => ms(x.startTime) - ms(y.startTime)).map((t) => t.name);
    expect(byStart).toEqual(["high", "medium", "low"]);
  });

  it("Vionlabs: the processing history is auditable — who, when, from → to, reason and message of every change, paged", async () => {
    const t = await app.grpc.createTask({ task: { type: "demo.analyze", params: { asset_id: "missing-asset" }, retryPolicy: { maxAttempts: 1 } } });
    const failed = await untilDone(t.id);
    expect(failed.error).toMatchObject({ code: "ASSET_NOT_FOUND", retryable: false });
    expect(failed.statusMessage).toMatch(/^ASSET_NOT_FOUND: asset "missing-asset" was not found/);
    await app.grpc.retryTask({ id: t.id, force: true, reason: "asset re-ingested" });
    await untilDone(t.id);

    const page1 = await app.grpc.listTaskEvents({ id: t.id, pageSize: 4 });
    const page2 = await app.grpc.listTaskEvents({ id: t.id, pageSize: 4, pageToken: page1.nextPageToken });
    expect(page1.nextPageToken).not.toBe("");
    expect(page2.nextPageToken).toBe("");
    const events = [...page1.events, ...page2.events];
    expect(events.map((e) => [TaskStatus[e.fromStatus], TaskStatus[e.toStatus], e.reason, e.attempt])).toEqual([
      ["UNSPECIFIED", "QUEUED", "CREATED", 1],
      ["QUEUED", "QUEUED", "DISPATCHED", 1],
      ["QUEUED", "RUNNING", "STARTED", 1],
      ["RUNNING", "FAILED", "HANDLER_ERROR", 1],
      ["FAILED", "QUEUED", "USER_RETRY", 2],
      ["QUEUED", "QUEUED", "DISPATCHED", 2],
      ["QUEUED", "RUNNING", "STARTED", 2],
      ["RUNNING", "FAILED", "HANDLER_ERROR", 2],
    ]);
    // Who: the caller for requests, a system component for the execution.
    expect(events[0]!.actor).toBe(t.createdBy);
    expect(events[4]!.actor).toBe(t.createdBy);
    expect(events[4]!.message).toBe("asset re-ingested");
    expect(events[1]!.actor).toMatch(/^system:/);
    expect(events[2]!.actor).toMatch(/^system:/);
    expect(events[3]!.actor).toMatch(/^system:/);
    expect(events[2]!.message).toMatch(/^started by worker /);
    expect(events[3]!.message).toMatch(/^ASSET_NOT_FOUND: /);
    // When: in order, with increasing sequence numbers.
    const times = events.map((e) => ms(e.time));
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(events.map((e) => e.sequence)).toEqual([...events.map((e) => e.sequence)].sort((x, y) => (x < y ? -1 : 1)));
  });
});
