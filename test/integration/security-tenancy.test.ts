/**
 * Tenant isolation, end to end with authentication on: tenant B (an admin, so no role check
 * masks the result) can neither read, list, facet, watch, wait on, change, move nor delete
 * tenant A's tasks, through any RPC, structured filter or crafted AIP-160 filter string; and a
 * foreign id answers exactly what an unknown id answers (NOT_FOUND, same message), so B learns
 * nothing.
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
const tenantA = uniqueTenant("ta");
const tenantB = uniqueTenant("tb");
const SUB_A = "alice@a.example";
const marker = uniqueLabel();
let aTasks: Client<typeof TaskService>;
let bTasks: Client<typeof TaskService>;
let bQueues: Client<typeof QueueService>;
let pending: Task; // A's PENDING task
let cancelled: Task; // A's CANCELLED task (retryable)
let bOwn: Task; // B's own task, so B's lists are not trivially empty
const before = new Map<string, Awaited<ReturnType<typeof snapshot>>>();

beforeAll(async () => {
  idp = await startTestIdp();
  app = await startTestApp({ worker: false, env: idp.env });
  aTasks = app.client(TaskService, { token: await idp.token({ tenant: tenantA, roles: ["admin"], sub: SUB_A }) });
  const bToken = await idp.token({ tenant: tenantB, roles: ["admin"], sub: "bob@b.example" });
  bTasks = app.client(TaskService, { token: bToken });
  bQueues = app.client(QueueService, { token: bToken });

  const spec = { type: "demo.sleep", project: `proj-${marker}`, tags: [`secret-${marker}`], labels: { marker }, comment: `comment ${marker}` };
  pending = await aTasks.createTask({ task: { ...spec, name: `pending ${marker}` }, start: false });
  const toCancel = await aTasks.createTask({ task: { ...spec, name: `cancelled ${marker}` }, start: false });
  cancelled = await aTasks.cancelTask({ id: toCancel.id, reason: "setup" });
  bOwn = await bTasks.createTask({ task: { type: "demo.sleep", name: "b's own" }, start: false });
  for (const t of [pending, cancelled]) before.set(t.id, await snapshot(t.id));
});
afterAll(async () => {
  await app?.stop();
  await idp?.stop();
});

async function snapshot(id: string) {
  const t = await aTasks.getTask({ id });
  const events = await aTasks.listTaskEvents({ id });
  return { status: t.status, name: t.name, archived: t.archived, updateTime: timestampMs(t.updateTime!), events: events.events.length };
}

const UNKNOWN = "01900000-0000-7000-8000-00000000abcd";

// Every RPC that takes one task id, called by B on A's task.
const perId: Array<[string, (id: string) => Promise<unknown>]> = [
  ["GetTask", (id) => bTasks.getTask({ id })],
  ["BatchGetTasks", (id) => bTasks.batchGetTasks({ ids: [id] })],
  ["ListTaskEvents", (id) => bTasks.listTaskEvents({ id })],
  ["WaitTask", (id) => bTasks.waitTask({ id, timeout: { seconds: 1n, nanos: 0 } })],
  [
    "WatchTask",
    async (id) => {
      for await (const _ of bTasks.watchTask({ id })) break;
    },
  ],
  ["UpdateTask", (id) => bTasks.updateTask({ task: { id, name: "pwned" }, updateMask: { paths: ["name"] } })],
  ["UpdateTask(visibility)", (id) => bTasks.updateTask({ task: { id, visibility: TaskVisibility.PUBLIC }, updateMask: { paths: ["visibility"] } })],
  ["CancelTask", (id) => bTasks.cancelTask({ id })],
  ["RetryTask", (id) => bTasks.retryTask({ id, force: true })],
  ["ResetTask", (id) => bTasks.resetTask({ id, force: true })],
  ["CloneTask", (id) => bTasks.cloneTask({ id })],
  ["DeleteTask", (id) => bTasks.deleteTask({ id, force: true })],
  ["ArchiveTask", (id) => bTasks.archiveTask({ id })],
  ["UnarchiveTask", (id) => bTasks.unarchiveTask({ id })],
  ["PublishTask", (id) => bTasks.publishTask({ id })],
  ["QueueService.EnqueueTask", (id) => bQueues.enqueueTask({ name: "default", taskId: id })],
  ["QueueService.DequeueTask", (id) => bQueues.dequeueTask({ name: "default", taskId: id })],
  ["QueueService.MoveTask", (id) => bQueues.moveTask({ name: "default", taskId: id, position: Position.FRONT })],
];

describe("a foreign task id", () => {
  it.for(perId)("%s answers NOT_FOUND, with the message an unknown id gets", async ([, call]) => {
    // RetryTask needs a retryable task, the others a live one: try both of A's tasks.
    for (const task of [pending, cancelled]) {
      const foreign = await failure(() => call(task.id));
      const unknown = await failure(() => call(UNKNOWN));
      expect(foreign.code).toBe("NotFound");
      expect(foreign.message.replaceAll(task.id, "<id>")).toBe(unknown.message.replaceAll(UNKNOWN, "<id>"));
    }
  });
});

// Batch RPCs by id answer one NOT_FOUND result per foreign id; by filter they select nothing of A.
const batches: Array<[string, (sel: { ids?: string[]; filter?: string }) => Promise<{ results: Array<{ id: string; ok: boolean; errorCode: string }> }>]> = [
  ["BatchCancelTasks", (sel) => bTasks.batchCancelTasks(sel)],
  ["BatchRetryTasks", (sel) => bTasks.batchRetryTasks(sel)],
  ["BatchArchiveTasks", (sel) => bTasks.batchArchiveTasks(sel)],
  ["BatchUnarchiveTasks", (sel) => bTasks.batchUnarchiveTasks(sel)],
  ["BatchDeleteTasks", (sel) => bTasks.batchDeleteTasks({ ...sel, force: true })],
  ["BatchUpdateTaskTags", (sel) => bTasks.batchUpdateTaskTags({ ...sel, addTags: ["pwned"] })],
  ["BatchMoveTasksToProject", (sel) => bTasks.batchMoveTasksToProject({ ...sel, project: "pwned" })],
  ["BatchSetTaskVisibility", (sel) => bTasks.batchSetTaskVisibility({ ...sel, visibility: TaskVisibility.PUBLIC })],
  ["BatchPublishTasks", (sel) => bTasks.batchPublishTasks(sel)],
  ["BatchResetTasks", (sel) => bTasks.batchResetTasks({ ...sel, force: true })],
];

describe("batch RPCs", () => {
  it.for(batches)("%s reports foreign ids NOT_FOUND and selects none of them by filter", async ([, call]) => {
    const ids = [pending.id, cancelled.id];
    const byIds = await call({ ids });
    expect(byIds.results.map((r) => [r.id, r.ok, r.errorCode])).toEqual(ids.map((id) => [id, false, "NOT_FOUND"]));
    for (const filter of [`id = "${pending.id}"`, `labels.marker = "${marker}"`, `project = "proj-${marker}"`]) {
      const byFilter = await call({ filter });
      expect(byFilter.results.filter((r) => ids.includes(r.id))).toEqual([]);
    }
  });
});

describe("ListTasks", () => {
  const aIds = () => new Set([pending.id, cancelled.id]);

  const crafted = [
    `id = "{A}"`,
    `id != ""`,
    `id = "x" OR id != "x"`,
    `NOT id = "x"`,
    `labels.marker = "${marker}"`,
    `labels:marker`,
    `tags:secret-${marker}`,
    `created_by = "${SUB_A}"`,
    `project = "proj-${marker}" OR project != "proj-${marker}"`,
    `name = "x') OR 1=1 -- "`,
    `comment:"${marker}"`,
    `tenant = "${tenantA}"`,
    `tenant != ""`,
    `t.tenant = "${tenantA}"`,
    `visibility = "PRIVATE"`,
    `visibility != "PUBLIC" AND labels.marker = "${marker}"`,
  ];

  it.each(crafted)("never returns A's tasks for the filter %s", async (template) => {
    const filter = template.replace("{A}", pending.id);
    // include_public adds other tenants' PUBLIC tasks only: A's are all private.
    for (const [includeArchived, includePublic] of [[false, false], [true, false], [true, true]]) {
      let res;
      try {
        res = await bTasks.listTasks({ filter, includeArchived, includePublic, pageSize: 500 });
      } catch (err) {
        // Fields outside the whitelist (tenant, t.tenant …) are refused outright.
        expect(await codeOf(Promise.reject(err))).toBe("InvalidArgument");
        continue;
      }
      expect(res.tasks.filter((t) => aIds().has(t.id))).toEqual([]);
      if (includePublic) continue; // other suites' public tasks may show up; none is A's (checked above)
      expect(res.tasks.every((t) => t.createdBy === "bob@b.example")).toBe(true);
      expect(res.totalSize).toBe(res.tasks.length);
    }
  });

  it("never returns A's tasks through the structured filters", async () => {
    const requests = [
      {},
      { includeArchived: true },
      { project: `proj-${marker}` },
      { type: "demo.sleep" },
      { createdBy: SUB_A },
      { tags: [`secret-${marker}`] },
      { labels: { marker } },
      { search: marker },
      { queue: "default" },
    ];
    for (const req of requests) {
      const res = await bTasks.listTasks({ ...req, pageSize: 500 });
      expect(res.tasks.filter((t) => aIds().has(t.id))).toEqual([]);
      expect(res.tasks.map((t) => t.id)).toEqual(res.tasks.length ? [bOwn.id] : []);
    }
  });

  it("shows A its own tasks (the isolation is by tenant, not a broken query)", async () => {
    const res = await aTasks.listTasks({ filter: `labels.marker = "${marker}"` });
    expect(new Set(res.tasks.map((t) => t.id))).toEqual(aIds());
    expect(res.tasks.every((t) => t.createdBy === SUB_A)).toBe(true);
  });
});

describe("aggregate views", () => {
  it("GetTaskFilterOptions counts none of A's values", async () => {
    const facets = await bTasks.getTaskFilterOptions({ includeArchived: true });
    const values = [...facets.projects, ...facets.createdBy, ...facets.tags].map((o) => o.value);
    expect(values).not.toContain(`proj-${marker}`);
    expect(values).not.toContain(SUB_A);
    expect(values).not.toContain(`secret-${marker}`);
    expect(facets.types.reduce((n, o) => n + Number(o.count), 0)).toBe(1);
  });

  it("B's default queue lists none of A's queued tasks", async () => {
    const queued = await aTasks.createTask({ task: { type: "demo.sleep", labels: { marker } } });
    const entries = await bQueues.listQueueEntries({ name: "default", pageSize: 500 });
    expect(entries.entries.map((e) => e.taskId)).not.toContain(queued.id);
  });
});

describe("after all of B's attempts", () => {
  it("A's tasks are unchanged: same status, same update time, no new events", async () => {
    for (const [id, was] of before) expect(await snapshot(id)).toEqual(was);
  });
});
