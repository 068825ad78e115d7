/**
 * RUNNING means a handler runs: a task handed to Temporal that no worker has picked up stays
 * QUEUED (reason DISPATCHED, no start_time), holds its queue's slot, says when no worker serves
 * its queue and type, is CANCELLED at once by an abort (no worker involved), and runs as soon as
 * a worker for the queue starts. Over gRPC and Connect JSON, against the real server and Temporal.
 */
import { Client, Connection } from "@temporalio/client";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { DEMO_HANDLERS } from "../../src/commands/worker.js";
import { QueueService } from "../../src/gen/taskyard/v1/queue_service_pb.js";
import { TaskStatus } from "../../src/gen/taskyard/v1/task_pb.js";
import { createLogger } from "../../src/infra/logger.js";
import { runWorker, type RunningWorker } from "../../src/worker/run.js";
import { isTerminal, startTestApp, uniqueLabel, waitFor, type TestApp } from "../helpers/app.js";
import { codeOf } from "../helpers/rpc.js";

let app: TestApp;
let worker: RunningWorker | undefined;
beforeAll(async () => {
  app = await startTestApp({ worker: false });
});
afterAll(async () => {
  await worker?.stop();
  await app?.stop();
});

it("waits visibly for a worker, holding its slot; an abort ends it at once; a worker starting runs the next", async () => {
  const queues = app.client(QueueService);
  const name = `wait-${uniqueLabel()}`;
  await queues.createQueue({ queue: { name, concurrencyLimit: 1 } });
  const a = await app.grpc.createTask({ task: { type: "demo.sleep", queue: name, params: { steps: 2, step_ms: 10 } } });
  const b = await app.grpc.createTask({ task: { type: "demo.sleep", queue: name, params: { steps: 2, step_ms: 10 } } });

  const waiting = await waitFor(() => app.json("GetTask", { id: a.id }), (r) => r.body.statusReason === "DISPATCHED");
  expect(waiting.body).toMatchObject({ status: "TASK_STATUS_QUEUED", statusMessage: `waiting for a worker of queue "${name}"` });
  expect(waiting.body.startTime).toBeUndefined();
  // It holds the only slot: the second task stays in the queue.
  expect((await queues.getQueueStats({ name })).running).toBe(1n);
  expect((await queues.listQueueEntries({ name })).entries.map((e) => e.taskId)).toEqual([b.id]);
  const listed = await app.json("ListQueues", { pageSize: 500 }, { service: "taskyard.v1.QueueService" });
  expect(listed.body.queues.find((q: { name: string }) => q.name === name).workersWatching ?? 0).toBe(0);
  // The reconciler says why it waits.
  await waitFor(() => app.grpc.getTask({ id: a.id }), (t) => t.statusMessage === `no worker serves queue "${name}" for type "demo.sleep" (see ListTaskTypes)`, 15_000);

  // Metadata may change while it waits, without putting it back in the queue; a reset is refused.
  await app.grpc.updateTask({ task: { id: a.id, labels: { note: "waiting" } }, updateMask: { paths: ["labels"] } });
  expect((await queues.listQueueEntries({ name })).entries.map((e) => e.taskId)).toEqual([b.id]);
  expect(await codeOf(app.grpc.resetTask({ id: a.id }))).toBe("FailedPrecondition");

  // An abort ends it at once, with no worker: its workflow is terminated.
  const cancelled = await app.grpc.cancelTask({ id: a.id, reason: "nobody home" });
  expect(cancelled).toMatchObject({ status: TaskStatus.CANCELLED, statusReason: "USER_ABORT" });
  const connection = await Connection.connect({ address: inject("temporalAddress") });
  try {
    expect((await new Client({ connection }).workflow.getHandle(a.id).describe()).status.name).toBe("TERMINATED");
  } finally {
    await connection.close();
  }

  // The freed slot goes to the next task, which waits in turn — until a worker for the queue starts.
  await waitFor(() => app.grpc.getTask({ id: b.id }), (t) => t.statusReason === "DISPATCHED");
  worker = await runWorker({ handlers: DEMO_HANDLERS, queues: [name], url: app.baseUrl, temporal: { address: inject("temporalAddress") }, logger: createLogger("silent") });
  const done = await waitFor(() => app.grpc.getTask({ id: b.id }), isTerminal, 30_000);
  expect(done.status).toBe(TaskStatus.COMPLETED);
  expect(done.startTime).toBeDefined();
  const reasons = (await app.grpc.listTaskEvents({ id: b.id })).events.map((e) => `${TaskStatus[e.toStatus]}:${e.reason}`);
  expect(reasons).toEqual(["QUEUED:CREATED", "QUEUED:DISPATCHED", "RUNNING:STARTED", "COMPLETED:SUCCEEDED"]);
  expect((await queues.getQueue({ name })).workersWatching).toBe(1);
});
