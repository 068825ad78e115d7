/**
 * `npm run bench:dispatch` — how fast queued tasks start.
 *
 * Starts a private MariaDB and a Temporal dev server in a temp dir (or uses BENCH_DATABASE_URL /
 * BENCH_TEMPORAL_ADDRESS), the API (with its dispatcher) and an in-process worker, then over
 * real gRPC:
 *  1. latency on an idle system: one task at a time, enqueue → RUNNING, from the task's own
 *     queue_time and start_time (same clock, no polling error); p50 / p95 / max;
 *  2. throughput: 2,000 no-op tasks (demo.sleep, 1 step of 0 ms) created into a paused queue,
 *     then the queue resumed: tasks dispatched (RUNNING) per second and workflows started per
 *     second, first with no worker polling the queue (the dispatcher and Temporal's starts
 *     alone; terminated afterwards on a BENCH_TEMPORAL_ADDRESS server), then with the in-process
 *     worker running them (plus tasks completed per second);
 *  3. abort latency: CancelTask → CANCELLED for a running demo.sleep that reports progress every
 *     100 ms (BENCH_ABORT_TASKS of them, one at a time), p50 / p95 / max beside the 1 s target.
 * Prints figures only; no timing asserts.
 *
 * Env: BENCH_LATENCY_TASKS (100), BENCH_TASKS (2000), BENCH_REPLICAS (1: API replicas, each
 * with its own dispatcher and pool), BENCH_DISPATCH_INTERVAL_MS (1000, a slower idle poll than the server default of 250 ms),
 * BENCH_WORKER_CONCURRENCY (100), BENCH_ABORT_TASKS (30).
 */
process.env.TZ ??= "UTC";

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createClient } from "@connectrpc/connect";
import PQueue from "p-queue";
import { createGrpcTransport } from "@connectrpc/connect-node";
import type { DataSource } from "typeorm";
import { startApi, type RunningApi } from "../src/app/api.js";
import { startWorkflowHost } from "../src/app/workflow-host.js";
import { DEMO_HANDLERS } from "../src/commands/worker.js";
import { runWorker } from "../src/worker/run.js";
import { loadConfig } from "../src/config.js";
import { QueueService } from "../src/gen/taskyard/v1/queue_service_pb.js";
import { TaskService } from "../src/gen/taskyard/v1/task_service_pb.js";
import { createDataSource, migrate } from "../src/infra/db/data-source.js";
import { startLocalServices } from "../src/infra/local/services.js";
import { percentile } from "./lib/measure.js";
import { createLogger } from "../src/infra/logger.js";
import { connectClient, connectWorker } from "../src/infra/temporal/connection.js";
import { loadWorkflowBundle } from "../src/infra/temporal/worker.js";

const LATENCY_TASKS = Number(process.env.BENCH_LATENCY_TASKS ?? 100);
const TASKS = Number(process.env.BENCH_TASKS ?? 2000);
const ABORT_TASKS = Number(process.env.BENCH_ABORT_TASKS ?? 30);
const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 1);
const NOOP = { steps: 1, step_ms: 0 };

const stops: Array<() => Promise<void>> = [];
const log = (msg: string) => process.stderr.write(`${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function services(tmp: string): Promise<{ databaseUrl: string; temporalAddress: string }> {
  log("starting a private MariaDB and a Temporal dev server (unless BENCH_DATABASE_URL / BENCH_TEMPORAL_ADDRESS) …");
  const started = await startLocalServices({
    databaseUrl: process.env.BENCH_DATABASE_URL,
    temporalAddress: process.env.BENCH_TEMPORAL_ADDRESS,
    mariadb: { dataDir: path.join(tmp, "mariadb"), database: "taskyard_bench" },
    temporal: { headless: true },
  });
  stops.push(() => started.stop());
  return started;
}

async function main(): Promise<void> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), "taskyard-bench-dispatch-"));
  stops.push(() => rm(tmp, { recursive: true, force: true }));
  const { databaseUrl, temporalAddress } = await services(tmp);
  const bundlePath = path.join(tmp, "workflow-bundle.js");
  log("bundling the workflow code …");
  await writeFile(bundlePath, (await loadWorkflowBundle(undefined)).code);

  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    TASKYARD_WORKFLOW_BUNDLE_PATH: bundlePath,
    TASKYARD_HOST: "127.0.0.1",
    TASKYARD_PORT: "0",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    TASKYARD_AUTH_MODE: "off",
    TASKYARD_CREATE_RATE_PER_SECOND: "0",
    TASKYARD_DISPATCH_INTERVAL_MS: process.env.BENCH_DISPATCH_INTERVAL_MS ?? "1000",
    TASKYARD_WORKER_CONCURRENCY: process.env.BENCH_WORKER_CONCURRENCY ?? "100",
    TASKYARD_WORKER_QUEUES: "bench",
  });
  const logger = createLogger(config.logLevel);
  const pools: DataSource[] = [];
  const open = async (size: number) => {
    const ds = createDataSource(databaseUrl, size);
    await ds.initialize();
    pools.push(ds);
    stops.push(() => ds.destroy());
    return ds;
  };
  const main = await open(10);
  await migrate(main);

  const temporal = await connectClient(config.temporal);
  stops.push(() => temporal.connection.close());
  const apis: RunningApi[] = [];
  for (let i = 0; i < REPLICAS; i++) {
    const client = i === 0 ? temporal : await connectClient(config.temporal);
    if (i > 0) stops.push(() => client.connection.close());
    const api = await startApi({ config, dataSource: i === 0 ? main : await open(10), client, logger });
    stops.push(() => api.stop());
    apis.push(api);
  }
  const baseUrl = `http://127.0.0.1:${apis[0]!.port}`;
  const tasks = createClient(TaskService, createGrpcTransport({ baseUrl }));
  const queues = createClient(QueueService, createGrpcTransport({ baseUrl }));
  await queues.createQueue({ queue: { name: "bench", description: "bench:dispatch" } });

  const connection = await connectWorker(config.temporal, logger);
  stops.push(() => connection.close());
  const host = await startWorkflowHost({ config, dataSource: main, connection, bundle: await loadWorkflowBundle(bundlePath), logger });
  stops.push(() => host.shutdown());
  const worker = await runWorker({ handlers: DEMO_HANDLERS, queues: ["bench"], url: baseUrl, temporal: connection, concurrency: config.worker.concurrency, logger });
  stops.push(() => worker.stop());

  const rows = async <T>(sql: string, params: unknown[]): Promise<T[]> => main.query(sql, params);

  // 1. Latency on an idle system.
  log(`latency: ${LATENCY_TASKS} tasks, one at a time …`);
  await tasks.createTask({ task: { type: "demo.sleep", queue: "bench", params: NOOP } }); // warm-up
  const waits: number[] = [];
  for (let i = 0; i < LATENCY_TASKS; i++) {
    const t = await tasks.createTask({ task: { type: "demo.sleep", queue: "bench", params: NOOP } });
    for (;;) {
      const [row] = await rows<{ status: string; wait_ms: number | null }>(
        `SELECT status, TIMESTAMPDIFF(MICROSECOND, queue_time, start_time) / 1000 AS wait_ms FROM tasks WHERE id = ?`,
        [t.id],
      );
      if (row?.status === "COMPLETED") {
        waits.push(Number(row.wait_ms));
        break;
      }
      await sleep(5);
    }
    await sleep(50); // idle between tasks
  }
  waits.sort((a, b) => a - b);

  // 2. Throughput: a backlog released at once, (a) with no worker polling (the dispatcher and
  // Temporal's start alone), (b) while the worker runs them (end to end).
  const backlog = async (queue: string): Promise<{ project: string; released: number }> => {
    const project = `bench-${queue}-${Date.now()}`;
    await queues.pauseQueue({ name: queue });
    for (let done = 0; done < TASKS; done += 500) {
      const n = Math.min(500, TASKS - done);
      await tasks.batchCreateTasks({ requests: Array.from({ length: n }, () => ({ task: { type: "demo.sleep", queue, project, params: NOOP } })) });
    }
    const released = Date.now();
    await queues.resumeQueue({ name: queue });
    return { project, released };
  };
  const count = async (project: string, where: string) =>
    Number((await rows<{ n: string }>(`SELECT COUNT(*) AS n FROM tasks WHERE project = ? AND ${where}`, [project]))[0]!.n);
  const lastStart = async (project: string) => (await rows<{ last: Date }>(`SELECT MAX(start_time) AS last FROM tasks WHERE project = ?`, [project]))[0]!.last.getTime();
  const STARTED = "(workflow_run_id IS NOT NULL OR end_time IS NOT NULL)";

  log(`throughput: ${TASKS} no-op tasks, no worker polling …`);
  await queues.createQueue({ queue: { name: "bench-unpolled", temporalTaskQueue: "bench.unpolled" } });
  const alone = await backlog("bench-unpolled");
  while ((await count(alone.project, STARTED)) < TASKS) await sleep(20);
  const aloneStartedMs = Date.now() - alone.released;
  const aloneDispatchedMs = (await lastStart(alone.project)) - alone.released;
  if (process.env.BENCH_TEMPORAL_ADDRESS) {
    // Not our server: close the workflows nobody will run.
    const ids = await rows<{ id: string }>(`SELECT id FROM tasks WHERE project = ?`, [alone.project]);
    const cleanup = new PQueue({ concurrency: 20 });
    await cleanup.addAll(ids.map(({ id }) => () => temporal.workflow.getHandle(id).terminate("bench:dispatch cleanup").catch(() => undefined)));
  }

  log(`throughput: ${TASKS} no-op tasks, run by the worker …`);
  const run = await backlog("bench");
  let startedMs = 0;
  for (;;) {
    if (!startedMs && (await count(run.project, STARTED)) === TASKS) startedMs = Date.now() - run.released;
    if ((await count(run.project, "status = 'COMPLETED'")) === TASKS) break;
    await sleep(20);
  }
  const completedMs = Date.now() - run.released;
  const dispatchedMs = (await lastStart(run.project)) - run.released;

  // 3. Abort latency of a handler that reports progress every 100 ms.
  log(`abort: ${ABORT_TASKS} running tasks, one at a time …`);
  const aborts: number[] = [];
  for (let i = 0; i < ABORT_TASKS; i++) {
    const t = await tasks.createTask({ task: { type: "demo.sleep", queue: "bench", params: { steps: 100_000, step_ms: 100 } } });
    const status = async () => (await rows<{ status: string; progress_current: string }>(`SELECT status, progress_current FROM tasks WHERE id = ?`, [t.id]))[0]!;
    while (Number((await status()).progress_current) < 1) await sleep(5);
    const began = performance.now();
    await tasks.cancelTask({ id: t.id, reason: "bench:dispatch abort latency" });
    while ((await status()).status !== "CANCELLED") await sleep(5);
    aborts.push(performance.now() - began);
  }
  aborts.sort((a, b) => a - b);

  const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
  const rate = (n: number, ms: number) => `${((n / ms) * 1000).toFixed(0)}/s`;
  console.log(`\nbench:dispatch — ${REPLICAS} API replica(s), idle poll ${config.dispatchIntervalMs} ms, worker concurrency ${config.worker.concurrency}, ${os.cpus().length} CPUs`);
  console.log(`enqueue → RUNNING on an idle system (${waits.length} tasks, queue_time → start_time):`);
  console.log(`  p50 ${fmt(percentile(waits, 50))}   p95 ${fmt(percentile(waits, 95))}   max ${fmt(waits[waits.length - 1]!)}`);
  console.log(`${TASKS} no-op tasks released from a paused queue, no worker polling (dispatcher + Temporal starts):`);
  console.log(`  all dispatched (RUNNING)   ${String(aloneDispatchedMs).padStart(6)} ms   ${rate(TASKS, aloneDispatchedMs)}`);
  console.log(`  all workflows started      ${String(aloneStartedMs).padStart(6)} ms   ${rate(TASKS, aloneStartedMs)}   (sampled every 20 ms)`);
  console.log(`${TASKS} no-op tasks released from a paused queue, run by the in-process worker:`);
  console.log(`  all dispatched (RUNNING)   ${String(dispatchedMs).padStart(6)} ms   ${rate(TASKS, dispatchedMs)}`);
  console.log(`  all workflows started      ${String(startedMs).padStart(6)} ms   ${rate(TASKS, startedMs)}   (sampled every 20 ms)`);
  console.log(`  all completed              ${String(completedMs).padStart(6)} ms   ${rate(TASKS, completedMs)}`);
  console.log(`CancelTask → CANCELLED, handler reporting every 100 ms (${aborts.length} tasks; target p95 ≤ 1000 ms):`);
  console.log(`  p50 ${fmt(percentile(aborts, 50))}   p95 ${fmt(percentile(aborts, 95))}   max ${fmt(aborts[aborts.length - 1]!)}   → ${percentile(aborts, 95) <= 1000 ? "within" : "OVER"} the target`);
}

main()
  .catch((err: unknown) => {
    process.exitCode = 1;
    console.error(err);
  })
  .finally(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  });
