/**
 * A worker killed mid-task (SIGKILL, like a crashed pod) and replaced: Temporal notices the
 * missing heartbeats, retries the activity on the new worker, and the handler resumes from the
 * last heartbeat's progress instead of starting over. A worker stopped gracefully (SIGTERM, as
 * in a deploy) hands its task over the same way instead of cancelling it.
 */
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, expect, it } from "vitest";
import { TaskStatus } from "../../src/gen/taskyard/v1/task_pb.js";
import { QueueRepository } from "../../src/queues/repository.js";
import { defaultTemporalTaskQueue } from "../../src/queues/types.js";
import { spawnWorkerProcess, startTestApp, uniqueLabel, waitFor, type TestApp } from "../helpers/app.js";

let app: TestApp;
const children: ChildProcess[] = [];
const queue = `crash-${uniqueLabel()}`;

beforeAll(async () => {
  app = await startTestApp({ worker: false });
  await new QueueRepository(app.dataSource.manager).create({
    tenant: "default",
    name: queue,
    description: "worker-crash test",
    concurrencyLimit: 0,
    defaultPriority: 50,
    paused: false,
    temporalTaskQueue: defaultTemporalTaskQueue(queue),
  });
});
afterAll(async () => {
  for (const c of children) c.kill("SIGKILL");
  await app?.stop();
});

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));
}

it("completes the task on a replacement worker, resuming from the last heartbeat", async () => {
  const first = spawnWorkerProcess(app, [queue]);
  children.push(first);
  const task = await app.grpc.createTask({
    task: { type: "demo.sleep", queue, params: { steps: 30, step_ms: 250 }, timeouts: { heartbeat: { seconds: 2n, nanos: 0 } } },
  });
  const before = await waitFor(() => app.grpc.getTask({ id: task.id }), (t) => t.progress!.current >= 8n, 60_000);
  first.kill("SIGKILL");
  await exited(first);

  const second = spawnWorkerProcess(app, [queue]);
  children.push(second);
  const done = await waitFor(() => app.grpc.getTask({ id: task.id }), (t) => t.status !== TaskStatus.RUNNING, 90_000);
  expect(done.status).toBe(TaskStatus.COMPLETED);
  const result = done.result as { resumed_from: number; execution_attempt: number; steps: number };
  expect(result.steps).toBe(30);
  // Temporal's second try of the same execution, resumed near where the first worker died.
  expect(result.execution_attempt).toBe(2);
  expect(result.resumed_from).toBeGreaterThan(0);
  expect(result.resumed_from).toBeLessThanOrEqual(Number(before.progress!.current) + 4);
  expect(done.attempt).toBe(1);
  second.kill("SIGTERM");
  await exited(second);
}, 180_000);

it("hands a task over when its worker is stopped gracefully (SIGTERM) instead of cancelling it", async () => {
  const first = spawnWorkerProcess(app, [queue], { TASKYARD_SHUTDOWN_GRACE_MS: "500" });
  children.push(first);
  const task = await app.grpc.createTask({
    task: { type: "demo.sleep", queue, params: { steps: 30, step_ms: 200 }, timeouts: { heartbeat: { seconds: 2n, nanos: 0 } } },
  });
  await waitFor(() => app.grpc.getTask({ id: task.id }), (t) => t.progress!.current >= 5n, 60_000);
  first.kill("SIGTERM");
  await exited(first);
  expect(first.exitCode).toBe(0);

  const second = spawnWorkerProcess(app, [queue]);
  children.push(second);
  const done = await waitFor(() => app.grpc.getTask({ id: task.id }), (t) => t.status !== TaskStatus.RUNNING, 90_000);
  expect(done.status).toBe(TaskStatus.COMPLETED);
  const result = done.result as { resumed_from: number; execution_attempt: number };
  expect(result.execution_attempt).toBe(2);
  expect(result.resumed_from).toBeGreaterThan(0);
  second.kill("SIGTERM");
  await exited(second);
}, 180_000);
