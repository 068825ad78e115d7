/**
 * PUBLIC visibility (ClearML's make_public / make_private), end to end with authentication on:
 * tenant A shares a task; tenant B can read it — get, list with include_public, events, watch,
 * wait, clone — over gRPC and Connect JSON, but every write answers PERMISSION_DENIED and leaves
 * it unchanged; A's private tasks stay invisible; only an admin may share; making it private again
 * hides it from B like a missing task.
 */
import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { Client } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Position, QueueService } from "../../src/gen/taskyard/v1/queue_service_pb.js";
import { TaskVisibility, type Task } from "../../src/gen/taskyard/v1/task_pb.js";
import { TaskService } from "../../src/gen/taskyard/v1/task_service_pb.js";
import { startTestApp, uniqueLabel, type TestApp } from "../helpers/app.js";
import { startTestIdp, uniqueTenant, type TestIdp } from "../helpers/auth.js";
import { codeOf, failure } from "../helpers/rpc.js";

let idp: TestIdp;
let app: TestApp;
const tenantA = uniqueTenant("va");
const tenantB = uniqueTenant("vb");
const marker = uniqueLabel();
let aAdmin: Client<typeof TaskService>;
let aOperator: Client<typeof TaskService>;
let bAdmin: Client<typeof TaskService>;
let bViewer: Client<typeof TaskService>;
let bQueues: Client<typeof QueueService>;
let bViewerToken: string;
let shared: Task; // A's task, made PUBLIC with BatchSetTaskVisibility
let bornPublic: Task; // A's task, created PUBLIC
let secret: Task; // A's task, PRIVATE

beforeAll(async () => {
  idp = await startTestIdp();
  app = await startTestApp({ worker: false, env: idp.env });
  aAdmin = app.client(TaskService, { token: await idp.token({ tenant: tenantA, roles: ["admin"], sub: "alice@a.example" }) });
  aOperator = app.client(TaskService, { token: await idp.token({ tenant: tenantA, roles: ["operator"], sub: "oscar@a.example" }) });
  const bAdminToken = await idp.token({ tenant: tenantB, roles: ["admin"], sub: "bob@b.example" });
  bAdmin = app.client(TaskService, { token: bAdminToken });
  bQueues = app.client(QueueService, { token: bAdminToken });
  bViewerToken = await idp.token({ tenant: tenantB, roles: ["viewer"], sub: "vera@b.example" });
  bViewer = app.client(TaskService, { token: bViewerToken });

  const spec = { type: "demo.sleep", project: `proj-${marker}`, labels: { marker }, params: { steps: 3 } };
  shared = await aAdmin.createTask({ task: { ...spec, name: `shared ${marker}` }, start: false });
  const made = await aAdmin.batchSetTaskVisibility({ ids: [shared.id], visibility: TaskVisibility.PUBLIC });
  expect(made.results.map((r) => [r.id, r.ok])).toEqual([[shared.id, true]]);
  shared = await aAdmin.getTask({ id: shared.id });
  bornPublic = await aAdmin.createTask({ task: { ...spec, name: `born public ${marker}`, visibility: TaskVisibility.PUBLIC }, start: false });
  secret = await aAdmin.createTask({ task: { ...spec, name: `secret ${marker}` }, start: false });
});
afterAll(async () => {
  await app?.stop();
  await idp?.stop();
});

describe("setting visibility", () => {
  it("defaults to PRIVATE, and the owner's tasks are never read_only", async () => {
    expect(secret.visibility).toBe(TaskVisibility.PRIVATE);
    expect(secret.readOnly).toBe(false);
    expect(bornPublic.visibility).toBe(TaskVisibility.PUBLIC);
    const own = await aAdmin.getTask({ id: shared.id });
    expect([own.visibility, own.readOnly]).toEqual([TaskVisibility.PUBLIC, false]);
  });

  it("needs admin: an operator's CreateTask(PUBLIC), UpdateTask(visibility) and BatchSetTaskVisibility are denied, naming the role", async () => {
    const calls = [
      () => aOperator.createTask({ task: { type: "demo.sleep", visibility: TaskVisibility.PUBLIC }, start: false }),
      () => aOperator.updateTask({ task: { id: secret.id, visibility: TaskVisibility.PUBLIC }, updateMask: { paths: ["visibility"] } }),
      () => aOperator.batchSetTaskVisibility({ ids: [secret.id], visibility: TaskVisibility.PUBLIC }),
    ];
    for (const call of calls) {
      const f = await failure(call);
      expect(f.code).toBe("PermissionDenied");
      expect(f.message).toMatch(/admin/);
    }
    // A PRIVATE create is an operator's ordinary right.
    const ok = await aOperator.createTask({ task: { type: "demo.sleep", visibility: TaskVisibility.PRIVATE }, start: false });
    expect(ok.visibility).toBe(TaskVisibility.PRIVATE);
    expect((await aAdmin.getTask({ id: secret.id })).visibility).toBe(TaskVisibility.PRIVATE);
  });

  it("refuses UNSPECIFIED in BatchSetTaskVisibility and UpdateTask, naming the field", async () => {
    const batch = await failure(() => aAdmin.batchSetTaskVisibility({ ids: [secret.id] }));
    expect(batch).toEqual({ code: "InvalidArgument", message: expect.stringMatching(/^visibility: must be TASK_VISIBILITY_PRIVATE or TASK_VISIBILITY_PUBLIC/) });
    const update = await failure(() => aAdmin.updateTask({ task: { id: secret.id }, updateMask: { paths: ["visibility"] } }));
    expect(update).toEqual({ code: "InvalidArgument", message: expect.stringMatching(/^task\.visibility: must be/) });
  });

  it("may change on a published task (publish, then share), while other edits stay locked", async () => {
    const done = await aAdmin.cancelTask({ id: (await aAdmin.createTask({ task: { type: "demo.sleep" }, start: false })).id });
    await aAdmin.publishTask({ id: done.id });
    const updated = await aAdmin.updateTask({ task: { id: done.id, visibility: TaskVisibility.PUBLIC }, updateMask: { paths: ["visibility"] } });
    expect(updated.visibility).toBe(TaskVisibility.PUBLIC);
    expect(await codeOf(() => aAdmin.updateTask({ task: { id: done.id, name: "x", visibility: TaskVisibility.PRIVATE }, updateMask: { paths: ["name", "visibility"] } }))).toBe("FailedPrecondition");
  });
});

describe("another tenant reads a public task", () => {
  it("GetTask and BatchGetTasks answer it read_only, over gRPC", async () => {
    const got = await bViewer.getTask({ id: shared.id });
    expect([got.id, got.name, got.visibility, got.readOnly]).toEqual([shared.id, shared.name, TaskVisibility.PUBLIC, true]);
    const batch = await bViewer.batchGetTasks({ ids: [shared.id, bornPublic.id] });
    expect(batch.tasks.map((t) => [t.id, t.readOnly])).toEqual([
      [shared.id, true],
      [bornPublic.id, true],
    ]);
  });

  it("GetTask answers it over Connect JSON too", async () => {
    const res = await app.json("GetTask", { id: shared.id }, { token: bViewerToken });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: shared.id, visibility: "TASK_VISIBILITY_PUBLIC", readOnly: true });
  });

  it("ListTaskEvents, WatchTask and WaitTask work on it", async () => {
    const events = await bViewer.listTaskEvents({ id: shared.id });
    expect(events.events.map((e) => e.toStatus)).toEqual((await aAdmin.listTaskEvents({ id: shared.id })).events.map((e) => e.toStatus));
    expect(events.events.length).toBeGreaterThan(0);
    for await (const first of bViewer.watchTask({ id: shared.id })) {
      expect([first.id, first.readOnly]).toEqual([shared.id, true]);
      break;
    }
    const waited = await bViewer.waitTask({ id: shared.id, timeout: { seconds: 1n, nanos: 0 } });
    expect(waited.id).toBe(shared.id);
  });

  it("a private task of the same tenant stays NOT_FOUND, exactly like an unknown id", async () => {
    const unknown = "01900000-0000-7000-8000-00000000abcd";
    const foreign = await failure(() => bViewer.getTask({ id: secret.id }));
    const missing = await failure(() => bViewer.getTask({ id: unknown }));
    expect(foreign.code).toBe("NotFound");
    expect(foreign.message.replaceAll(secret.id, "<id>")).toBe(missing.message.replaceAll(unknown, "<id>"));
    expect(await codeOf(() => bViewer.batchGetTasks({ ids: [shared.id, secret.id] }))).toBe("NotFound");
  });
});

describe("ListTasks", () => {
  const ids = (tasks: Task[]) => tasks.map((t) => t.id);

  it("leaves other tenants' public tasks out unless include_public", async () => {
    const plain = await bViewer.listTasks({ labels: { marker }, pageSize: 100 });
    expect(plain.tasks).toEqual([]);
    const withPublic = await bViewer.listTasks({ labels: { marker }, includePublic: true, pageSize: 100 });
    expect(new Set(ids(withPublic.tasks))).toEqual(new Set([shared.id, bornPublic.id]));
    expect(withPublic.tasks.every((t) => t.readOnly && t.visibility === TaskVisibility.PUBLIC)).toBe(true);
    expect(withPublic.totalSize).toBe(2);
  });

  it("with include_public, every filter form still sees only public tasks of A, never the private one", async () => {
    const requests = [
      { filter: `labels.marker = "${marker}"` },
      { filter: `project = "proj-${marker}"` },
      { filter: `visibility = "PUBLIC" AND labels.marker = "${marker}"` },
      { filter: `id = "${secret.id}" OR labels.marker = "${marker}"` },
      { search: marker },
      { project: `proj-${marker}`, statuses: [] },
      { labels: { marker }, page: 1 },
    ];
    for (const req of requests) {
      const res = await bViewer.listTasks({ ...req, includePublic: true, pageSize: 100 });
      expect(ids(res.tasks), JSON.stringify(req)).not.toContain(secret.id);
      expect(new Set(ids(res.tasks)), JSON.stringify(req)).toEqual(new Set([shared.id, bornPublic.id]));
    }
  });

  it("pages through own and public tasks together, with keyset tokens and with pages", async () => {
    const own = await bAdmin.createTask({ task: { type: "demo.sleep", labels: { marker } }, start: false });
    const seen: string[] = [];
    let pageToken = "";
    do {
      const page = await bViewer.listTasks({ labels: { marker }, includePublic: true, pageSize: 1, pageToken });
      seen.push(...ids(page.tasks));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(seen).toEqual([own.id, bornPublic.id, shared.id]); // newest first
    // A custom order and 1-based pages merge both halves the same way.
    const byName = async (page: number) => (await bViewer.listTasks({ labels: { marker }, includePublic: true, orderBy: "name", pageSize: 1, page })).tasks.map((t) => t.name);
    expect([await byName(1), await byName(2), await byName(3), await byName(4)]).toEqual([[bornPublic.name], [own.name], [shared.name], []]);
    await bAdmin.deleteTask({ id: own.id });
  });

  it("GetTaskFilterOptions counts the tenant's own tasks only", async () => {
    const facets = await bViewer.getTaskFilterOptions({});
    expect(facets.projects.map((p) => p.value)).not.toContain(`proj-${marker}`);
  });
});

describe("another tenant cannot write a public task", () => {
  const writes: Array<[string, (id: string) => Promise<unknown>]> = [
    ["UpdateTask", (id) => bAdmin.updateTask({ task: { id, name: "pwned" }, updateMask: { paths: ["name"] } })],
    ["UpdateTask(visibility)", (id) => bAdmin.updateTask({ task: { id, visibility: TaskVisibility.PRIVATE }, updateMask: { paths: ["visibility"] } })],
    ["CancelTask", (id) => bAdmin.cancelTask({ id })],
    ["RetryTask", (id) => bAdmin.retryTask({ id, force: true })],
    ["ResetTask", (id) => bAdmin.resetTask({ id, force: true })],
    ["DeleteTask", (id) => bAdmin.deleteTask({ id, force: true })],
    ["ArchiveTask", (id) => bAdmin.archiveTask({ id })],
    ["UnarchiveTask", (id) => bAdmin.unarchiveTask({ id })],
    ["PublishTask", (id) => bAdmin.publishTask({ id })],
    ["QueueService.EnqueueTask", (id) => bQueues.enqueueTask({ name: "default", taskId: id })],
    ["QueueService.DequeueTask", (id) => bQueues.dequeueTask({ name: "default", taskId: id })],
    ["QueueService.MoveTask", (id) => bQueues.moveTask({ name: "default", taskId: id, position: Position.FRONT })],
  ];

  it.for(writes)("%s answers PERMISSION_DENIED saying the task is read-only", async ([, call]) => {
    const f = await failure(() => call(shared.id));
    expect(f).toEqual({ code: "PermissionDenied", message: `task "${shared.id}" is another tenant's public task: it can be read and cloned, not changed` });
  });

  it("batch RPCs report PERMISSION_DENIED per public id, and a filter selects none of A's tasks", async () => {
    const batches = [
      (sel: object) => bAdmin.batchCancelTasks(sel),
      (sel: object) => bAdmin.batchArchiveTasks(sel),
      (sel: object) => bAdmin.batchDeleteTasks({ ...sel, force: true }),
      (sel: object) => bAdmin.batchUpdateTaskTags({ ...sel, addTags: ["pwned"] }),
      (sel: object) => bAdmin.batchMoveTasksToProject({ ...sel, project: "pwned" }),
      (sel: object) => bAdmin.batchSetTaskVisibility({ ...sel, visibility: TaskVisibility.PRIVATE }),
      (sel: object) => bAdmin.batchPublishTasks(sel),
      (sel: object) => bAdmin.batchResetTasks({ ...sel, force: true }),
    ];
    for (const call of batches) {
      const byIds = await call({ ids: [shared.id, secret.id] });
      expect(byIds.results.map((r) => [r.id, r.ok, r.errorCode])).toEqual([
        [shared.id, false, "PERMISSION_DENIED"],
        [secret.id, false, "NOT_FOUND"],
      ]);
      const byFilter = await call({ filter: `labels.marker = "${marker}"` });
      expect(byFilter.results).toEqual([]);
    }
  });

  it("left the task exactly as it was", async () => {
    const now = await aAdmin.getTask({ id: shared.id });
    expect([now.name, now.status, now.archived, now.tags, now.project, now.visibility]).toEqual([shared.name, shared.status, false, [], shared.project, TaskVisibility.PUBLIC]);
    expect((await aAdmin.listTaskEvents({ id: shared.id })).events.map((e) => e.reason)).toEqual(["CREATED"]);
    expect(timestampMs(now.updateTime!)).toBe(timestampMs(shared.updateTime!));
  });
});

describe("CloneTask of a public task", () => {
  it("copies it into the caller's tenant: PRIVATE, own, default queue, no cross-tenant parent", async () => {
    const bOperator = app.client(TaskService, { token: await idp.token({ tenant: tenantB, roles: ["operator"], sub: "olga@b.example" }) });
    const clone = await bOperator.cloneTask({ id: shared.id, start: false });
    expect(clone.id).not.toBe(shared.id);
    expect([clone.readOnly, clone.visibility, clone.parentId, clone.queue, clone.createdBy]).toEqual([false, TaskVisibility.PRIVATE, "", "default", "olga@b.example"]);
    expect([clone.type, clone.name, clone.params?.steps]).toEqual([shared.type, shared.name, 3]);
    // B owns the clone; A does not see it.
    expect((await bAdmin.updateTask({ task: { id: clone.id, name: "mine" }, updateMask: { paths: ["name"] } })).name).toBe("mine");
    expect(await codeOf(() => aAdmin.getTask({ id: clone.id }))).toBe("NotFound");
  });
});

describe("making it private again", () => {
  it("hides it from the other tenant like a missing task", async () => {
    const res = await aAdmin.batchSetTaskVisibility({ filter: `id = "${bornPublic.id}"`, visibility: TaskVisibility.PRIVATE });
    expect(res.results.map((r) => [r.id, r.ok])).toEqual([[bornPublic.id, true]]);
    expect(await codeOf(() => bViewer.getTask({ id: bornPublic.id }))).toBe("NotFound");
    const listed = (await bViewer.listTasks({ labels: { marker }, includePublic: true })).tasks.map((t) => t.id);
    expect(listed).toContain(shared.id);
    expect(listed).not.toContain(bornPublic.id);
    const events = await aAdmin.listTaskEvents({ id: bornPublic.id });
    expect(events.events.map((e) => e.reason)).toEqual(["CREATED"]); // visibility is metadata, not a status change
  });
});
