/**
 * The task-type registry through the real server with authentication on: workers register types
 * with a worker credential (RegisterWorker, over Connect JSON and gRPC); ListTaskTypes, schema and
 * defaults checks at create/update/clone, and tenancy, over gRPC and Connect JSON.
 */
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueueService } from "../../src/gen/taskyard/v1/queue_service_pb.js";
import { TaskService } from "../../src/gen/taskyard/v1/task_service_pb.js";
import { WorkerService } from "../../src/gen/taskyard/v1/worker_service_pb.js";
import { startTestApp, uniqueLabel, type TestApp } from "../helpers/app.js";
import { createApiKey, startTestIdp, uniqueTenant, type TestIdp } from "../helpers/auth.js";
import { errorOf } from "../helpers/rpc.js";

let idp: TestIdp;
let app: TestApp;
beforeAll(async () => {
  idp = await startTestIdp();
  app = await startTestApp({ worker: false, env: idp.env });
});
afterAll(async () => {
  await app?.stop();
  await idp?.stop();
});

const COUNT_SCHEMA = { type: "object", properties: { n: { type: "integer", minimum: 1 } }, required: ["n"] };

/** A tenant with an admin (gRPC and JSON) and a worker credential. */
async function tenant(prefix: string) {
  const name = uniqueTenant(prefix);
  const token = await idp.token({ tenant: name, roles: ["admin"] });
  const workerToken = (await createApiKey(app.dataSource, name, "worker")).token;
  return {
    name,
    token,
    tasks: app.client(TaskService, { token }),
    queues: app.client(QueueService, { token }),
    workers: app.client(WorkerService, { token: workerToken }),
    register: (body: object) => app.json("RegisterWorker", { workerId: `w-${uniqueLabel()}`, ...body }, { token: workerToken, service: "taskyard.v1.WorkerService" }),
  };
}

describe("RegisterWorker", () => {
  it("answers one Temporal task queue per (queue, type), the namespace and the intervals", async () => {
    const t = await tenant("reg");
    const res = await t.register({ queues: ["default", "later"], taskTypes: [{ type: "ex.count", paramsSchema: COUNT_SCHEMA }, { type: "ex.other" }] });
    expect(res.status).toBe(200);
    expect(res.body.assignments).toEqual([
      { queue: "default", type: "ex.count", temporalTaskQueue: `taskyard.default/${t.name}/ex.count` },
      { queue: "default", type: "ex.other", temporalTaskQueue: `taskyard.default/${t.name}/ex.other` },
      // A queue not created yet: its default task queue.
      { queue: "later", type: "ex.count", temporalTaskQueue: `taskyard.later/${t.name}/ex.count` },
      { queue: "later", type: "ex.other", temporalTaskQueue: `taskyard.later/${t.name}/ex.other` },
    ]);
    expect(res.body).toMatchObject({ temporalNamespace: "default", heartbeatInterval: "10s", registrationTtl: "30s", progressInterval: "0.100s" });
  });

  it.each([
    ["no types", { taskTypes: [] }, /^task_types: must name at least one type/],
    ["a type twice", { taskTypes: [{ type: "a.b" }, { type: "a.b" }] }, /^task_types\[1\]\.type: "a\.b" appears twice/],
    ["a malformed type", { taskTypes: [{ type: "-bad" }] }, /^task_types\[0\]\.type: must start with a letter or digit/],
    ["a schema that does not compile", { taskTypes: [{ type: "a.b", paramsSchema: { type: "nonsense" } }] }, /^task_types\[0\]\.params_schema: not a valid JSON Schema/],
    ["a bad default", { taskTypes: [{ type: "a.b", retryPolicy: { maxAttempts: 1000 } }] }, /^task_types\[0\]\.retry_policy\.max_attempts: must be between 1 and 100/],
    ["a bad queue name", { queues: ["Bad Queue"], taskTypes: [{ type: "a.b" }] }, /^queues\[0\]: must match/],
    ["no worker id", { workerId: "", taskTypes: [{ type: "a.b" }] }, /^worker_id: is required/],
    ["queues with all_queues", { allQueues: true, queues: ["default"], taskTypes: [{ type: "a.b" }] }, /^queues: must be empty with all_queues/],
  ])("refuses %s with INVALID_ARGUMENT naming the field", async (_name, body, message) => {
    const t = await tenant("bad");
    const res = await t.register(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("invalid_argument");
    expect(res.body.message).toMatch(message);
  });
});

describe("ListTaskTypes", () => {
  it("lists the tenant's types by name, paged, with their queues and workers online", async () => {
    const t = await tenant("list");
    await t.register({ workerId: "w1", queues: ["default"], taskTypes: [{ type: "b.two" }, { type: "a.one", description: "first" }] });
    await t.workers.registerWorker({ workerId: "w2", queues: ["gpu"], taskTypes: [{ type: "a.one", description: "first" }, { type: "c.three" }] });
    const first = await t.tasks.listTaskTypes({ pageSize: 2 });
    expect(first.taskTypes.map((x) => [x.type, x.queues, x.workersOnline])).toEqual([
      ["a.one", ["default", "gpu"], 2],
      ["b.two", ["default"], 1],
    ]);
    expect(first.taskTypes[0]!.description).toBe("first");
    // Page to the end (the test fixtures also registered the demo types in this tenant).
    const rest: string[] = [];
    for (let token = first.nextPageToken; token; ) {
      const page = await t.tasks.listTaskTypes({ pageSize: 2, pageToken: token });
      expect(page.taskTypes.length).toBeLessThanOrEqual(2);
      rest.push(...page.taskTypes.map((x) => x.type));
      token = page.nextPageToken;
    }
    expect(rest[0]).toBe("c.three");
    expect(rest).toEqual([...rest].sort());
    expect(new Set([...first.taskTypes.map((x) => x.type), ...rest]).size).toBe(rest.length + 2);

    await t.workers.unregisterWorker({ workerId: "w2" });
    const after = await app.json("ListTaskTypes", {}, { token: t.token });
    const one = after.body.taskTypes.find((x: { type: string }) => x.type === "a.one");
    expect(one.workersOnline).toBe(1);
    const gone = after.body.taskTypes.find((x: { type: string }) => x.type === "c.three");
    // Listed still, with no worker online.
    expect(gone.workersOnline ?? 0).toBe(0);
    expect((await t.queues.getQueueStats({ name: "default" })).workersWatching).toBe(1);
  });

  it("keeps tenants apart: another tenant neither sees a type nor can create tasks of it", async () => {
    const a = await tenant("ta");
    const b = await tenant("tb");
    await a.register({ taskTypes: [{ type: "secret.type", paramsSchema: COUNT_SCHEMA }] });
    expect((await b.tasks.listTaskTypes({})).taskTypes.map((x) => x.type)).not.toContain("secret.type");
    const err = await errorOf(b.tasks.createTask({ task: { type: "secret.type", params: { n: 1 } } }));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toMatch(/^task\.type: unknown task type "secret\.type"/);
    expect((await a.tasks.createTask({ task: { type: "secret.type", params: { n: 1 } }, start: false })).type).toBe("secret.type");
  });
});

describe("tasks of a registered type", () => {
  it("get the type's retry policy and timeouts unless the request sets its own", async () => {
    const t = await tenant("def");
    await t.register({ taskTypes: [{ type: "ex.slow", retryPolicy: { maxAttempts: 7 }, timeouts: { heartbeat: "4s" } }] });
    const plain = await t.tasks.createTask({ task: { type: "ex.slow" }, start: false });
    expect(plain.retryPolicy?.maxAttempts).toBe(7);
    expect(plain.retryPolicy?.initialBackoff?.seconds).toBe(1n); // unset in the type: the global default
    expect(plain.timeouts?.heartbeat?.seconds).toBe(4n);
    const own = await t.tasks.createTask({ task: { type: "ex.slow", retryPolicy: { maxAttempts: 2 } }, start: false });
    expect(own.retryPolicy?.maxAttempts).toBe(2);
  });

  it("are checked against the schema in BatchCreateTasks, UpdateTask and CloneTask, naming the path", async () => {
    const t = await tenant("chk");
    await t.register({ taskTypes: [{ type: "ex.count", paramsSchema: COUNT_SCHEMA }] });
    const batch = await errorOf(t.tasks.batchCreateTasks({ requests: [{ task: { type: "ex.count", params: { n: 1 } } }, { task: { type: "ex.count", params: { n: 0 } } }] }));
    expect(batch.rawMessage).toMatch(/^requests\[1\]\.task\.params\.n: must be >= 1/);
    const task = await t.tasks.createTask({ task: { type: "ex.count", params: { n: 2 } }, start: false });
    const update = await errorOf(t.tasks.updateTask({ task: { id: task.id, params: { n: "two" } }, updateMask: { paths: ["params"] } }));
    expect(update.code).toBe(Code.InvalidArgument);
    expect(update.rawMessage).toMatch(/^task\.params\.n: must be integer/);
    const clone = await app.json("CloneTask", { id: task.id, overrides: { params: { m: 1 } } }, { token: t.token });
    expect(clone.status).toBe(400);
    expect(clone.body.message).toMatch(/^overrides\.params\.n: must have required property 'n'/);
  });

  it("follow a re-registered schema at once (the last registration wins)", async () => {
    const t = await tenant("re");
    await t.register({ taskTypes: [{ type: "ex.count", paramsSchema: COUNT_SCHEMA }] });
    expect((await errorOf(t.tasks.createTask({ task: { type: "ex.count", params: { n: "x" } } }))).code).toBe(Code.InvalidArgument);
    await t.register({ taskTypes: [{ type: "ex.count", paramsSchema: { type: "object", properties: { n: { type: "string" } } } }] });
    expect((await t.tasks.createTask({ task: { type: "ex.count", params: { n: "x" } }, start: false })).params).toEqual({ n: "x" });
  });
});

describe("a worker credential", () => {
  it("reports only on its own tenant's tasks: another tenant's task is not live for it", async () => {
    const a = await tenant("own");
    const b = await tenant("other");
    await a.register({ taskTypes: [{ type: "ex.any" }] });
    const task = await a.tasks.createTask({ task: { type: "ex.any" }, start: false });
    expect(await b.workers.startTaskRun({ taskId: task.id, attempt: 1, executionAttempt: 1, workerId: "w" })).toMatchObject({ live: false });
    expect((await b.workers.reportTaskProgress({ taskId: task.id, attempt: 1, progress: { current: 5n, total: 10n, message: "x" } })).abortRequested).toBe(false);
    expect((await a.tasks.getTask({ id: task.id })).progress?.current).toBe(0n);
  });
});
