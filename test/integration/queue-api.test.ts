/**
 * QueueService over real gRPC and Connect JSON against MariaDB and Temporal: queue CRUD,
 * validation and NOT_FOUND, enqueue / dequeue / purge / delete rules, verify_watched and stats.
 */
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskStatus } from "../../src/gen/taskyard/v1/task_pb.js";
import { startTestApp, waitFor, type TestApp } from "../helpers/app.js";
import { codeOf, errorOf, makeQueue, queueClient, queueJson, queueName, SERVED_TASK_QUEUE, statusCounts, type QueueClient } from "./queue-kit.js";

// A queue this file's worker polls under its own Temporal task queue (taskyard.<name>).
const watchedQueue = queueName("watched");
let app: TestApp;
let queues: QueueClient;

beforeAll(async () => {
  app = await startTestApp({ env: { TASKYARD_WORKER_QUEUES: `default,${watchedQueue}` } });
  queues = queueClient(app);
});
afterAll(async () => {
  await app?.stop();
});

const sleepTask = (queue: string, steps = 1, stepMs = 0) => app.grpc.createTask({ task: { type: "demo.sleep", queue, params: { steps, step_ms: stepMs } } });
const getTask = (id: string) => app.grpc.getTask({ id });

describe("queue resources", () => {
  it("creates a queue over gRPC and reads it back over Connect JSON with every field", async () => {
    const name = queueName("crud");
    const created = await queues.createQueue({
      queue: {
        name,
        description: "GPU jobs",
        concurrencyLimit: 4,
        defaultPriority: 60,
        rateLimit: { perSecond: 2.5, burst: 5 },
        fairnessKey: "labels.customer",
      },
    });
    expect(created).toMatchObject({ name, description: "GPU jobs", concurrencyLimit: 4, defaultPriority: 60, paused: false, fairnessKey: "labels.customer", temporalTaskQueue: `taskyard.${name}` });
    expect(created.rateLimit).toMatchObject({ perSecond: 2.5, burst: 5 });
    expect(created.createTime).toBeDefined();

    const got = await queueJson(app, "GetQueue", { name });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      name,
      description: "GPU jobs",
      concurrencyLimit: 4,
      defaultPriority: 60,
      rateLimit: { perSecond: 2.5, burst: 5 },
      fairnessKey: "labels.customer",
      temporalTaskQueue: `taskyard.${name}`,
    });
    expect(got.body.createTime).toMatch(/^\d{4}-\d\d-\d\dT/);

    const listed = await queueJson(app, "ListQueues", { pageSize: 500 });
    expect(listed.status).toBe(200);
    const names = (listed.body.queues as Array<{ name: string }>).map((q) => q.name);
    expect(names).toEqual(expect.arrayContaining(["default", name]));
    expect(names).toEqual([...names].sort());
  });

  it("creates a queue over Connect JSON and reads it over gRPC, defaults filled in", async () => {
    const name = queueName("json");
    const res = await queueJson(app, "CreateQueue", { queue: { name } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name, defaultPriority: 50, temporalTaskQueue: `taskyard.${name}` });
    const got = await queues.getQueue({ name });
    expect(got).toMatchObject({ name, concurrencyLimit: 0, defaultPriority: 50, paused: false, fairnessKey: "" });
    expect(got.rateLimit).toMatchObject({ perSecond: 0, burst: 0 });
    const list = await queues.listQueues({ pageSize: 500 });
    expect(list.queues.map((q) => q.name)).toContain(name);
  });

  it("always has the default queue, which cannot be created again or deleted", async () => {
    expect((await queues.getQueue({ name: "default" })).name).toBe("default");
    expect(await codeOf(queues.createQueue({ queue: { name: "default" } }))).toBe("AlreadyExists");
    const refused = await errorOf(queues.deleteQueue({ name: "default", force: true }));
    expect(refused.code).toBe(Code.FailedPrecondition);
    expect(refused.rawMessage).toMatch(/^name: /);
  });

  it("answers ALREADY_EXISTS for a taken name", async () => {
    const { name } = await makeQueue(queues, "dup");
    expect(await codeOf(queues.createQueue({ queue: { name } }))).toBe("AlreadyExists");
  });

  it("answers NOT_FOUND for an unknown queue from every per-queue RPC", async () => {
    const name = queueName("missing");
    const task = await app.grpc.createTask({ task: { type: "demo.sleep" }, start: false });
    const calls: Array<[string, () => Promise<unknown>]> = [
      ["GetQueue", () => queues.getQueue({ name })],
      ["UpdateQueue", () => queues.updateQueue({ queue: { name, description: "x" }, updateMask: { paths: ["description"] } })],
      ["DeleteQueue", () => queues.deleteQueue({ name })],
      ["PauseQueue", () => queues.pauseQueue({ name })],
      ["ResumeQueue", () => queues.resumeQueue({ name })],
      ["EnqueueTask", () => queues.enqueueTask({ name, taskId: task.id })],
      ["DequeueTask", () => queues.dequeueTask({ name, taskId: task.id })],
      ["MoveTask", () => queues.moveTask({ name, taskId: task.id, position: 1 })],
      ["ListQueueEntries", () => queues.listQueueEntries({ name })],
      ["GetQueueStats", () => queues.getQueueStats({ name })],
      ["PurgeQueue", () => queues.purgeQueue({ name })],
    ];
    for (const [rpc, call] of calls) expect(await codeOf(call()), rpc).toBe("NotFound");
    expect((await getTask(task.id)).status).toBe(TaskStatus.PENDING);
  });

  it("answers INVALID_ARGUMENT naming the field, over gRPC and as HTTP 400 over JSON", async () => {
    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => queues.createQueue({}), "queue"],
      [() => queues.createQueue({ queue: { name: "Bad Name" } }), "queue.name"],
      [() => queues.createQueue({ queue: { name: queueName("v"), concurrencyLimit: -1 } }), "queue.concurrency_limit"],
      [() => queues.createQueue({ queue: { name: queueName("v"), rateLimit: { perSecond: -2 } } }), "queue.rate_limit.per_second"],
      [() => queues.createQueue({ queue: { name: queueName("v"), fairnessKey: "params.x" } }), "queue.fairness_key"],
      [() => queues.getQueue({ name: "" }), "name"],
      [() => queues.enqueueTask({ name: "default", taskId: "not-a-uuid" }), "task_id"],
      [() => queues.updateQueue({ queue: { name: "default" }, updateMask: { paths: ["name"] } }), "update_mask"],
      [() => queues.listQueueEntries({ name: "default", pageSize: 501 }), "page_size"],
      [() => queues.listQueueEntries({ name: "default", pageToken: "garbage" }), "page_token"],
    ];
    for (const [call, field] of cases) {
      const err = await errorOf(call());
      expect(err.code, field).toBe(Code.InvalidArgument);
      expect(err.rawMessage.startsWith(`${field}: `), err.rawMessage).toBe(true);
    }
    const res = await queueJson(app, "CreateQueue", { queue: { name: queueName("v"), defaultPriority: 500 } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: "invalid_argument" });
    expect(res.body.message).toMatch(/^queue\.default_priority: /);
  });

  it("pages through ListQueues with page tokens", async () => {
    const prefix = queueName("page");
    for (let i = 0; i < 3; i++) await queues.createQueue({ queue: { name: `${prefix}-${i}` } });
    const seen: string[] = [];
    let pageToken = "";
    do {
      const page = await queues.listQueues({ pageSize: 2, pageToken });
      expect(page.queues.length).toBeLessThanOrEqual(2);
      seen.push(...page.queues.map((q) => q.name));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(seen).toEqual([...new Set(seen)].sort());
    expect(seen).toEqual(expect.arrayContaining([`${prefix}-0`, `${prefix}-1`, `${prefix}-2`, "default"]));
  });

  it("updates only the masked fields; pause and resume flip paused", async () => {
    const q = await makeQueue(queues, "upd", { description: "before", concurrencyLimit: 3 });
    const updated = await queues.updateQueue({
      queue: { name: q.name, description: "ignored", concurrencyLimit: 7, rateLimit: { perSecond: 1 } },
      updateMask: { paths: ["concurrency_limit", "rate_limit.per_second"] },
    });
    expect(updated).toMatchObject({ description: "before", concurrencyLimit: 7 });
    expect(updated.rateLimit).toMatchObject({ perSecond: 1, burst: 0 });
    expect((await queues.pauseQueue({ name: q.name })).paused).toBe(true);
    expect((await queues.getQueue({ name: q.name })).paused).toBe(true);
    expect((await queues.resumeQueue({ name: q.name })).paused).toBe(false);
  });
});

describe("tasks in queues", () => {
  it("enqueues a PENDING task, dequeues it back to PENDING, and records both in its history", async () => {
    const q = await makeQueue(queues, "enq", { paused: true });
    const task = await app.grpc.createTask({ task: { type: "demo.sleep" }, start: false });
    const { task: queued, watched } = await queues.enqueueTask({ name: q.name, taskId: task.id });
    expect(queued).toMatchObject({ status: TaskStatus.QUEUED, queue: q.name });
    expect(watched).toBe(false); // not asked
    expect((await queues.listQueueEntries({ name: q.name })).entries.map((e) => e.taskId)).toEqual([task.id]);
    // Again into the same queue: answered as is.
    expect((await queues.enqueueTask({ name: q.name, taskId: task.id })).task!.status).toBe(TaskStatus.QUEUED);
    // Into another queue while queued here: refused.
    expect(await codeOf(queues.enqueueTask({ name: "default", taskId: task.id }))).toBe("FailedPrecondition");

    const dequeued = await queues.dequeueTask({ name: q.name, taskId: task.id });
    expect(dequeued.status).toBe(TaskStatus.PENDING);
    expect((await queues.listQueueEntries({ name: q.name })).entries).toEqual([]);
    expect(await codeOf(queues.dequeueTask({ name: q.name, taskId: task.id }))).toBe("FailedPrecondition");
    const { events } = await app.grpc.listTaskEvents({ id: task.id });
    expect(events.map((e) => [e.toStatus, e.reason])).toEqual([
      [TaskStatus.PENDING, "CREATED"],
      [TaskStatus.QUEUED, "USER_ENQUEUE"],
      [TaskStatus.PENDING, "USER_DEQUEUE"],
    ]);
  });

  it("enqueues and dequeues many tasks in one call, one result per task, in request order (ClearML enqueue_many / dequeue_many)", async () => {
    const q = await makeQueue(queues, "many", { paused: true });
    const [a, b] = await Promise.all([1, 2].map(() => app.grpc.createTask({ task: { type: "demo.sleep" }, start: false })));
    const done = await app.grpc.cancelTask({ id: (await app.grpc.createTask({ task: { type: "demo.sleep" }, start: false })).id });
    const unknown = "01900000-0000-7000-8000-00000000beef";
    const result = (r: { id: string; ok: boolean; errorCode: string }) => [r.id, r.ok, r.errorCode];

    const enqueued = await queues.batchEnqueueTasks({ name: q.name, taskIds: [a!.id, done.id, b!.id, unknown] });
    expect(enqueued.results.map(result)).toEqual([
      [a!.id, true, ""],
      [done.id, false, "FAILED_PRECONDITION"],
      [b!.id, true, ""],
      [unknown, false, "NOT_FOUND"],
    ]);
    expect((await queues.listQueueEntries({ name: q.name })).entries.map((e) => e.taskId)).toEqual([a!.id, b!.id]);

    const dequeued = await queues.batchDequeueTasks({ name: q.name, taskIds: [b!.id, done.id] });
    expect(dequeued.results.map(result)).toEqual([
      [b!.id, true, ""],
      [done.id, false, "FAILED_PRECONDITION"],
    ]);
    expect((await getTask(b!.id)).status).toBe(TaskStatus.PENDING);
    expect((await queues.listQueueEntries({ name: q.name })).entries.map((e) => e.taskId)).toEqual([a!.id]);

    // The whole call is refused for an unknown queue, an empty list or a bad id, naming the field.
    expect(await codeOf(queues.batchEnqueueTasks({ name: queueName("nope"), taskIds: [a!.id] }))).toBe("NotFound");
    const empty = await queueJson(app, "BatchDequeueTasks", { name: q.name, taskIds: [] });
    expect([empty.status, empty.body.message]).toEqual([400, "task_ids: give at least one id"]);
    const bad = await queueJson(app, "BatchEnqueueTasks", { name: q.name, taskIds: [a!.id, "x"] });
    expect([bad.status, bad.body.message]).toEqual([400, expect.stringMatching(/^task_ids\[1\]: /)]);
  });

  it("refuses to enqueue a RUNNING task with FAILED_PRECONDITION", async () => {
    const q = await makeQueue(queues, "running");
    const task = await sleepTask(q.name, 100, 100);
    await waitFor(() => getTask(task.id), (t) => t.status === TaskStatus.RUNNING);
    const err = await errorOf(queues.enqueueTask({ name: q.name, taskId: task.id }));
    expect(err.code).toBe(Code.FailedPrecondition);
    expect(err.rawMessage).toMatch(/is RUNNING; only PENDING tasks can be enqueued/);
    expect((await getTask(task.id)).status).toBe(TaskStatus.RUNNING);
    await app.grpc.cancelTask({ id: task.id });
  });

  it("purges queued tasks to CANCELLED and leaves the running one alone", async () => {
    const q = await makeQueue(queues, "purge");
    const running = await sleepTask(q.name, 100, 100);
    await waitFor(() => getTask(running.id), (t) => t.status === TaskStatus.RUNNING);
    await queues.pauseQueue({ name: q.name });
    const queued = await Promise.all([1, 2, 3].map(() => sleepTask(q.name)));
    const res = await queues.purgeQueue({ name: q.name });
    expect(res.purgedCount).toBe(3n);
    for (const t of queued) expect(await getTask(t.id)).toMatchObject({ status: TaskStatus.CANCELLED, statusReason: "QUEUE_PURGED" });
    expect((await getTask(running.id)).status).toBe(TaskStatus.RUNNING);
    expect((await queues.listQueueEntries({ name: q.name })).entries).toEqual([]);
    expect((await queues.purgeQueue({ name: q.name })).purgedCount).toBe(0n);
    await app.grpc.cancelTask({ id: running.id });
  });

  it("refuses to delete a queue with queued tasks; force cancels them; an empty queue just goes", async () => {
    const q = await makeQueue(queues, "del", { paused: true });
    const tasks = await Promise.all([1, 2].map(() => sleepTask(q.name)));
    const refused = await errorOf(queues.deleteQueue({ name: q.name }));
    expect(refused.code).toBe(Code.FailedPrecondition);
    expect(refused.rawMessage).toMatch(/has 2 queued task\(s\)/);
    expect(await statusCounts(app, tasks.map((t) => t.id))).toEqual({ QUEUED: 2 });

    await queues.deleteQueue({ name: q.name, force: true });
    expect(await codeOf(queues.getQueue({ name: q.name }))).toBe("NotFound");
    for (const t of tasks) expect(await getTask(t.id)).toMatchObject({ status: TaskStatus.CANCELLED, statusReason: "QUEUE_DELETED" });

    const empty = await makeQueue(queues, "del-empty");
    await queues.deleteQueue({ name: empty.name });
    expect(await codeOf(queues.getQueue({ name: empty.name }))).toBe("NotFound");
  });
});

describe("workers and stats", () => {
  it("tells with verify_watched whether a worker polls the queue", async () => {
    const watched = await queues.createQueue({ queue: { name: watchedQueue } });
    expect(watched.temporalTaskQueue).toBe(`taskyard.${watchedQueue}`);
    const unwatched = await makeQueue(queues, "unwatched", { temporalTaskQueue: `nobody.${queueName("tq")}`, paused: true });

    const a = await app.grpc.createTask({ task: { type: "demo.sleep", params: { steps: 1, step_ms: 0 } }, start: false });
    const b = await app.grpc.createTask({ task: { type: "demo.sleep" }, start: false });
    const yes = await waitFor(
      () => queues.enqueueTask({ name: watchedQueue, taskId: a.id, verifyWatched: true }),
      (r) => r.watched,
      15_000,
      250,
    );
    expect(yes.task!.status).toBe(TaskStatus.QUEUED);
    const no = await queues.enqueueTask({ name: unwatched.name, taskId: b.id, verifyWatched: true });
    expect(no.watched).toBe(false);

    expect((await queues.getQueueStats({ name: watchedQueue })).workersWatching).toBe(1);
    expect((await queues.getQueueStats({ name: unwatched.name })).workersWatching).toBe(0);
    // The watched queue's worker really runs its tasks.
    await waitFor(() => getTask(a.id), (t) => t.status === TaskStatus.COMPLETED);
  });

  it("counts queued and running tasks, waits and the dispatch rate", async () => {
    const q = await makeQueue(queues, "stats");
    const done = await Promise.all([1, 2, 3].map(() => sleepTask(q.name)));
    await waitFor(() => statusCounts(app, done.map((t) => t.id)), (c) => c.COMPLETED === 3);
    const running = await sleepTask(q.name, 100, 100);
    await waitFor(() => getTask(running.id), (t) => t.status === TaskStatus.RUNNING);
    await queues.pauseQueue({ name: q.name });
    await Promise.all([1, 2].map(() => sleepTask(q.name)));
    await new Promise((r) => setTimeout(r, 50));

    const stats = await queues.getQueueStats({ name: q.name });
    expect(stats).toMatchObject({ name: q.name, queued: 2n, running: 1n });
    expect(Number(stats.oldestWait!.seconds) * 1000 + stats.oldestWait!.nanos / 1e6).toBeGreaterThanOrEqual(40);
    expect(stats.averageWait).toBeDefined();
    expect(stats.dispatchedPerMinute).toBeCloseTo(4 / 15, 5);
    expect(stats.workersWatching).toBeGreaterThanOrEqual(1); // every test app's worker polls taskyard.default
    expect(q.temporalTaskQueue).toBe(SERVED_TASK_QUEUE);
    await app.grpc.cancelTask({ id: running.id });
  });
});
