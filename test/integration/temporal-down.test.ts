/**
 * Temporal unreachable (a TCP proxy in front of the real dev server stops every byte) for the
 * API and a worker process: CreateTask still answers (the task waits QUEUED), the worker's
 * /healthz answers 503 naming Temporal, and once Temporal answers again the worker is healthy
 * and the task runs — nothing lost.
 */
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { QueueService } from "../../src/gen/taskyard/v1/queue_service_pb.js";
import { TaskStatus } from "../../src/gen/taskyard/v1/task_pb.js";
import { isTerminal, spawnWorkerProcess, startTestApp, uniqueLabel, waitFor, type TestApp } from "../helpers/app.js";
import { freePort } from "../helpers/processes.js";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy.js";

let proxy: TcpProxy;
let app: TestApp;
let worker: ChildProcess;
let healthz: string;
const queue = `tdown-${uniqueLabel()}`;

beforeAll(async () => {
  const [host, port] = inject("temporalAddress").split(":");
  proxy = await startTcpProxy({ host: host!, port: Number(port) });
  const temporal = `127.0.0.1:${proxy.port}`;
  app = await startTestApp({ worker: false, env: { TEMPORAL_ADDRESS: temporal } });
  await app.client(QueueService).createQueue({ queue: { name: queue } });
  const metricsPort = await freePort();
  healthz = `http://127.0.0.1:${metricsPort}/healthz`;
  worker = spawnWorkerProcess(app, [queue], { TEMPORAL_ADDRESS: temporal, TASKYARD_WORKER_METRICS_PORT: String(metricsPort) });
});
afterAll(async () => {
  proxy?.thaw();
  worker?.kill("SIGKILL");
  await app?.stop();
  await proxy?.close();
});

const probe = () => fetch(healthz).then(async (r) => ({ status: r.status, body: await r.text() }), () => ({ status: 0, body: "" }));

it("keeps accepting tasks while Temporal is unreachable, reports it on the worker's /healthz, and runs them once it is back", async () => {
  await waitFor(probe, (p) => p.status === 200, 30_000);
  const before = await app.grpc.createTask({ task: { type: "demo.sleep", queue, params: { steps: 1, step_ms: 0 } } });
  expect((await waitFor(() => app.grpc.getTask({ id: before.id }), isTerminal)).status).toBe(TaskStatus.COMPLETED);

  proxy.freeze();
  const during = await app.grpc.createTask({ task: { type: "demo.sleep", queue, params: { steps: 1, step_ms: 0 } } });
  expect(during.status).toBe(TaskStatus.QUEUED);
  const down = await waitFor(probe, (p) => p.status === 503, 20_000);
  expect(down.body).toMatch(/Temporal at 127\.0\.0\.1:\d+ does not answer/);
  expect(isTerminal(await app.grpc.getTask({ id: during.id }))).toBe(false);

  proxy.thaw();
  await waitFor(probe, (p) => p.status === 200, 30_000);
  expect((await waitFor(() => app.grpc.getTask({ id: during.id }), isTerminal, 45_000)).status).toBe(TaskStatus.COMPLETED);
});
