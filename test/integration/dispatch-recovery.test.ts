/**
 * No task stays QUEUED or RUNNING forever when something died at the wrong moment. The broken
 * states are made the way a crash leaves them (rows written as the dying process would have),
 * then the real reconciler or dispatcher repairs them against the real Temporal.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { TaskStatus } from "../../src/gen/taskyard/v1/task_pb.js";
import { QueueRepository } from "../../src/queues/repository.js";
import { TaskRepository } from "../../src/tasks/repository.js";
import { startTestApp, waitFor, type TestApp } from "../helpers/app.js";
import { makeQueue, queueClient, sleep, type QueueClient } from "./queue-kit.js";

let app: TestApp;
let queues: QueueClient;

beforeAll(async () => {
  app = await startTestApp();
  // Passes run when a test says so (reconcileOnce); other suites' reconcilers only look at
  // tasks unchanged for a second, so the states below stay broken until then.
  await app.api.reconciler.stop();
  queues = queueClient(app);
});
afterAll(async () => {
  await app?.stop();
});

const getTask = (id: string) => app.grpc.getTask({ id });

/** Makes a task look untouched for a minute, so the reconciler considers it. */
async function age(id: string): Promise<void> {
  await app.dataSource.query(`UPDATE tasks SET update_time = update_time - INTERVAL 1 MINUTE WHERE id = ?`, [id]);
}

it("starts the workflow of a task whose dispatcher died between marking it RUNNING and starting it", async () => {
  const q = await makeQueue(queues, "interrupted", { paused: true });
  const created = await app.grpc.createTask({ task: { type: "demo.sleep", queue: q.name, params: { steps: 1, step_ms: 0 } } });
  // What a dispatcher commits before it starts the workflow — then it dies.
  const tasks = new TaskRepository(app.dataSource.manager);
  await tasks.transaction(async (tx, manager) => {
    const task = (await tx.get("default", created.id, { lock: true }))!;
    await new QueueRepository(manager).removeEntry("default", task.id);
    await tx.transition(task, "RUNNING", { actor: "system:dispatcher", reason: "DISPATCHED", set: { startTime: new Date(), workflowId: task.id, workflowRunId: null } });
  });
  await sleep(300);
  expect((await getTask(created.id)).status).toBe(TaskStatus.RUNNING); // nothing runs it yet

  await age(created.id);
  await app.api.reconciler.reconcileOnce();
  const done = await waitFor(() => getTask(created.id), (t) => t.status === TaskStatus.COMPLETED);
  expect(done.workflowRunId).not.toBe("");
  const { events } = await app.grpc.listTaskEvents({ id: created.id });
  expect(events.map((e) => e.toStatus)).toEqual([TaskStatus.QUEUED, TaskStatus.RUNNING, TaskStatus.COMPLETED]);
});

it("puts a QUEUED task that lost its queue entry back in its queue", async () => {
  const q = await makeQueue(queues, "lost-entry", { paused: true });
  const created = await app.grpc.createTask({ task: { type: "demo.sleep", queue: q.name, params: { steps: 1, step_ms: 0 } } });
  await new QueueRepository(app.dataSource.manager).removeEntry("default", created.id);
  await app.dataSource.query(`UPDATE tasks SET update_time = UTC_TIMESTAMP(3) WHERE id = ?`, [created.id]);
  await queues.resumeQueue({ name: q.name });
  await sleep(300);
  expect((await getTask(created.id)).status).toBe(TaskStatus.QUEUED); // invisible to the dispatcher

  await age(created.id);
  await app.api.reconciler.reconcileOnce();
  await waitFor(() => getTask(created.id), (t) => t.status === TaskStatus.COMPLETED);
});

it("cancels tasks left queued in a queue that was deleted under them", async () => {
  const q = await makeQueue(queues, "gone", { paused: true });
  const created = await app.grpc.createTask({ task: { type: "demo.sleep", queue: q.name } });
  // A CreateTask that read the queue just before a DeleteQueue committed leaves exactly this.
  await app.dataSource.query(`DELETE FROM queues WHERE tenant = 'default' AND name = ?`, [q.name]);
  await app.api.reconciler.reconcileOnce();
  expect(await getTask(created.id)).toMatchObject({ status: TaskStatus.CANCELLED, statusReason: "QUEUE_DELETED" });
});

it("puts a task back at its place when Temporal refuses to start its workflow, and runs it once that is fixed", async () => {
  const q = await makeQueue(queues, "bad-tq", { paused: true });
  const [first, second] = [
    await app.grpc.createTask({ task: { type: "demo.sleep", queue: q.name, params: { steps: 1, step_ms: 0 } } }),
    await app.grpc.createTask({ task: { type: "demo.sleep", queue: q.name, params: { steps: 1, step_ms: 0 } } }),
  ];
  // A task queue name Temporal cannot use (reserved prefix): the start is refused. The API would
  // refuse the name, so write it directly.
  await app.dataSource.query(`UPDATE queues SET temporal_task_queue = '/_sys/taskyard-test' WHERE tenant = 'default' AND name = ?`, [q.name]);
  await queues.resumeQueue({ name: q.name });
  await waitFor(
    async () => (await app.grpc.listTaskEvents({ id: first.id })).events.map((e) => e.reason),
    (reasons) => reasons.includes("DISPATCH_FAILED"),
    15_000,
  );
  await queues.pauseQueue({ name: q.name });
  await sleep(300); // let a start in flight settle
  expect((await getTask(first.id)).status).toBe(TaskStatus.QUEUED);
  // Still ahead of the task queued after it.
  expect((await queues.listQueueEntries({ name: q.name })).entries.map((e) => e.taskId)).toEqual([first.id, second.id]);

  await app.dataSource.query(`UPDATE queues SET temporal_task_queue = 'taskyard.default' WHERE tenant = 'default' AND name = ?`, [q.name]);
  await queues.resumeQueue({ name: q.name });
  for (const t of [first, second]) await waitFor(() => getTask(t.id), (x) => x.status === TaskStatus.COMPLETED, 45_000);
});
