/**
 * Faults with real processes on this machine (`npm run test:faults` runs 100 tasks per fault and
 * a 30 s outage; `npm test` a bounded version): a worker killed -9 mid-task, a serve killed -9
 * mid-create while clients retry with the same request_id, two serve processes dispatching at
 * once, Temporal unreachable for a worker (a TCP proxy cuts it), and a serve stopped with
 * SIGTERM while calls are in flight. After each: every accepted task reaches its terminal state,
 * none is lost, none started twice (Temporal history is the witness: at most one run per attempt
 * that ran the handler; and one STARTED event per attempt), one row per repeated request_id. One summary line per
 * fault: accepted, completed, lost, started twice, slowest to terminal.
 */
import type { ChildProcess } from "node:child_process";
import { Client, Connection } from "@temporalio/client";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { QueueService } from "../../src/gen/taskyard/v1/queue_service_pb.js";
import type { Task } from "../../src/gen/taskyard/v1/task_pb.js";
import { TaskService } from "../../src/gen/taskyard/v1/task_service_pb.js";
import { spawnWorkerProcess, startTestApp, uniqueLabel, waitFor, type TestApp } from "../helpers/app.js";
import { expectClean, settle } from "../helpers/fault-kit.js";
import { startServeProcess, type ServeProcess } from "../helpers/processes.js";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy.js";

const TASKS = Number(process.env.TASKYARD_FAULT_TASKS ?? 20);
const OUTAGE_MS = Number(process.env.TASKYARD_FAULT_OUTAGE_S ?? 8) * 1000;
const HEARTBEAT = { seconds: 2n, nanos: 0 };

let app: TestApp;
let temporal: Client;
const children: ChildProcess[] = [];
const serves: ServeProcess[] = [];
beforeAll(async () => {
  app = await startTestApp({ worker: false });
  temporal = new Client({ connection: await Connection.connect({ address: inject("temporalAddress") }) });
});
afterAll(async () => {
  for (const c of children) c.kill("SIGKILL");
  for (const s of serves) s.child.kill("SIGKILL");
  await temporal?.connection.close();
  await app?.stop();
});

const tasksAt = (baseUrl: string) => createClient(TaskService, createGrpcTransport({ baseUrl }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function newQueue(prefix: string): Promise<string> {
  const name = `${prefix}-${uniqueLabel()}`;
  await app.client(QueueService).createQueue({ queue: { name } });
  return name;
}

function worker(queue: string, env: Record<string, string> = {}): ChildProcess {
  const child = spawnWorkerProcess(app, [queue], { TASKYARD_WORKER_CONCURRENCY: "200", ...env });
  children.push(child);
  return child;
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));

async function createMany(queue: string, n: number, params = { steps: 10, step_ms: 100 }): Promise<string[]> {
  const res = await app.grpc.batchCreateTasks({ requests: Array.from({ length: n }, () => ({ task: { type: "demo.sleep", queue, params, timeouts: { heartbeat: HEARTBEAT } } })) });
  return res.tasks.map((t) => t.id);
}

describe(`faults, ${TASKS} tasks each`, { timeout: 120_000 + OUTAGE_MS + TASKS * 1_000 }, () => {
  it("kill -9 of a worker mid-task: a replacement finishes every task", async () => {
    const queue = await newQueue("f-worker");
    const first = worker(queue);
    const ids = await createMany(queue, TASKS, { steps: 20, step_ms: 100 });
    await waitFor(async () => (await app.grpc.batchGetTasks({ ids })).tasks.filter((t) => t.progress!.current > 2n).length, (n) => n >= Math.ceil(TASKS / 2), 60_000);
    first.kill("SIGKILL");
    await exited(first);
    worker(queue);
    expectClean(await settle(app, temporal, "worker kill -9", ids, 2_000 + 10_000 + 60_000));
  });

  it("kill -9 of a serve process mid-create: clients retry on another with the same request_id, one task each", async () => {
    const queue = await newQueue("f-serve");
    worker(queue);
    const [a, b] = [await startServeProcess(), await startServeProcess()];
    serves.push(a, b);
    const viaA = tasksAt(a.baseUrl);
    const viaB = tasksAt(b.baseUrl);
    const requestIds = Array.from({ length: TASKS }, (_, i) => `fault-${uniqueLabel()}-${i}`);
    let killed = false;
    const ids = await Promise.all(
      requestIds.map(async (requestId, i) => {
        await sleep(i * 20);
        if (i === Math.floor(TASKS / 2) && !killed) {
          killed = true;
          a.child.kill("SIGKILL");
        }
        const req = { task: { type: "demo.sleep", queue, params: { steps: 3, step_ms: 50 }, timeouts: { heartbeat: HEARTBEAT } }, requestId };
        try {
          return (await viaA.createTask(req, { timeoutMs: 5_000 })).id;
        } catch {
          return (await viaB.createTask(req)).id; // the retry: same request_id
        }
      }),
    );
    const rows: Array<{ n: string }> = await app.dataSource.query(`SELECT COUNT(*) AS n FROM tasks WHERE request_id IN (?) GROUP BY request_id`, [requestIds]);
    expect(rows.map((r) => Number(r.n))).toEqual(requestIds.map(() => 1));
    expect(new Set(ids).size).toBe(TASKS);
    expectClean(await settle(app, temporal, "serve kill -9 mid-create", ids, 60_000));
  });

  it("two serve processes dispatching at once: each task starts once", async () => {
    const queue = await newQueue("f-two");
    await app.client(QueueService).pauseQueue({ name: queue });
    worker(queue);
    serves.push(await startServeProcess(), await startServeProcess());
    const ids = await createMany(queue, TASKS, { steps: 2, step_ms: 10 });
    await app.client(QueueService).resumeQueue({ name: queue });
    expectClean(await settle(app, temporal, "two serve processes dispatching", ids, 60_000));
  });

  it(`Temporal unreachable for the worker for ${OUTAGE_MS / 1000} s: every task completes once it is back`, async () => {
    const [host, port] = inject("temporalAddress").split(":");
    const proxy: TcpProxy = await startTcpProxy({ host: host!, port: Number(port) });
    try {
      const queue = await newQueue("f-cut");
      worker(queue, { TEMPORAL_ADDRESS: `127.0.0.1:${proxy.port}` });
      const ids = await createMany(queue, TASKS, { steps: 20, step_ms: 100 });
      await waitFor(async () => (await app.grpc.batchGetTasks({ ids })).tasks.filter((t) => t.progress!.current > 0n).length, (n) => n >= 1, 60_000);
      proxy.freeze();
      await sleep(OUTAGE_MS);
      proxy.thaw();
      expectClean(await settle(app, temporal, `Temporal cut for ${OUTAGE_MS / 1000} s`, ids, 2_000 + 10_000 + 90_000));
    } finally {
      proxy.thaw();
      await proxy.close();
    }
  });

  it("SIGTERM to serve drains: a unary call in flight completes, a WatchTask stream ends cleanly", async () => {
    const s = await startServeProcess({ TASKYARD_SHUTDOWN_GRACE_MS: "5000" });
    serves.push(s);
    const client = tasksAt(s.baseUrl);
    const queue = await newQueue("f-drain");
    const watched = await client.createTask({ task: { type: "demo.sleep", queue, params: { steps: 1, step_ms: 0 } }, start: false });
    const updates: Task[] = [];
    const stream = (async () => {
      for await (const t of client.watchTask({ id: watched.id })) updates.push(t);
    })();
    await waitFor(async () => updates.length, (n) => n >= 1);
    // A batch that takes the server a while: SIGTERM arrives while it is being written.
    const batch = client.batchCreateTasks({ requests: Array.from({ length: 1000 }, () => ({ task: { type: "demo.sleep", queue }, start: false })) });
    await sleep(100);
    s.child.kill("SIGTERM");
    expect((await batch).tasks).toHaveLength(1000);
    await stream; // ends without an error
    expect(await s.exited).toBe(0);
    console.info(`fault serve SIGTERM: in-flight BatchCreateTasks answered 1000 tasks; WatchTask ended cleanly after ${updates.length} update(s); exit 0`);
  });
});
