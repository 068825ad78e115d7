/**
 * `npm run bench:create` — task creation throughput over gRPC.
 *
 * Starts a real Taskyard API (bench/lib/server.ts: private MariaDB in a temp dir + Temporal dev
 * server, no worker) and a load generator in a child process, then prints:
 *  - CreateTask/s at concurrency 64 (BENCH_CREATE_COUNT, default 5,000, after 300 warm-up calls);
 *  - BatchCreateTasks tasks/s in batches of 1,000 (BENCH_BATCH_COUNT tasks, default 20,000), one
 *    call at a time and 4 at a time.
 * Tasks are created QUEUED (with their queue entry, as producers do) in a paused queue, so the
 * dispatcher leaves them alone; each carries a request_id, labels, tags and a name. Figures only,
 * no assertions. Env: BENCH_DATABASE_URL / BENCH_TEMPORAL_ADDRESS to use existing servers;
 * BENCH_CREATE_RATE=1000000 turns the per-tenant rate limit (MySQL token bucket) on, to price it.
 */
process.env.TZ ??= "UTC";

import { fork, type ChildProcess } from "node:child_process";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { QueueService } from "../src/gen/taskyard/v1/queue_service_pb.js";
import { log } from "./lib/database.js";
import type { LoadJob, LoadResult } from "./lib/load.js";
import { fmtMs } from "./lib/measure.js";
import { startBenchServer, type BenchServer } from "./lib/server.js";

const CREATE_COUNT = Number(process.env.BENCH_CREATE_COUNT ?? 5_000);
const BATCH_COUNT = Number(process.env.BENCH_BATCH_COUNT ?? 20_000);
const QUEUE = "bench";

function startLoadGenerator(): { run(job: LoadJob): Promise<LoadResult>; stop(): void } {
  const child: ChildProcess = fork(new URL("./lib/load.ts", import.meta.url), [], { execArgv: process.execArgv, stdio: "inherit" });
  return {
    run: (job) =>
      new Promise((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`load generator exited (${code})`));
        child.once("exit", onExit);
        child.once("message", (m: { result?: LoadResult; error?: string }) => {
          child.off("exit", onExit);
          if (m.result) resolve(m.result);
          else reject(new Error(m.error ?? "load generator failed"));
        });
        child.send(job);
      }),
    stop: () => {
      if (child.connected) child.disconnect();
      if (child.exitCode === null) child.kill("SIGTERM");
    },
  };
}

/** A paused queue: tasks stay QUEUED with their entry, and the dispatcher does not start them. */
async function pausedQueue(baseUrl: string): Promise<{ queue: string; start: boolean }> {
  const sessionManager = new Http2SessionManager(baseUrl);
  const queues = createClient(QueueService, createGrpcTransport({ baseUrl, sessionManager }));
  try {
    await queues.createQueue({ queue: { name: QUEUE, concurrencyLimit: 1 } });
    await queues.pauseQueue({ name: QUEUE });
    return { queue: QUEUE, start: true };
  } catch (err) {
    log(`could not create a paused queue (${String(err)}): creating tasks PENDING (start: false) instead`);
    return { queue: "default", start: false };
  } finally {
    sessionManager.abort();
  }
}

function report(what: string, r: LoadResult): void {
  const rate = r.tasks / r.seconds;
  const errors = r.errors > 0 ? `, ${r.errors} FAILED calls (first: ${r.firstError})` : "";
  log(`${what}: ${Math.round(rate).toLocaleString("en-US")} tasks/s (${r.tasks.toLocaleString("en-US")} tasks, ${r.calls.toLocaleString("en-US")} calls in ${r.seconds.toFixed(2)} s; per call p50 ${fmtMs(r.p50)} ms, p95 ${fmtMs(r.p95)} ms${errors})`);
}

async function main(): Promise<void> {
  let server: BenchServer | undefined;
  let load: ReturnType<typeof startLoadGenerator> | undefined;
  try {
    server = await startBenchServer();
    const { queue, start } = await pausedQueue(server.baseUrl);
    load = startLoadGenerator();
    const job = (kind: LoadJob["kind"], count: number, concurrency: number, tag: string): LoadJob => ({ kind, baseUrl: server!.baseUrl, count, concurrency, batchSize: 1000, queue, start, tag });

    await load.run(job("create", 300, 64, "warmup"));
    await load.run(job("batch", 2000, 1, "warmup-batch"));
    report("CreateTask, concurrency 64", await load.run(job("create", CREATE_COUNT, 64, "create")));
    report("BatchCreateTasks ×1,000, 1 call at a time", await load.run(job("batch", BATCH_COUNT, 1, "batch1")));
    report("BatchCreateTasks ×1,000, 4 calls at a time", await load.run(job("batch", BATCH_COUNT, 4, "batch4")));

    const rows = (await server.dataSource.query(
      `SELECT (SELECT COUNT(*) FROM tasks) AS tasks, (SELECT COUNT(*) FROM queue_entries) AS entries, (SELECT COUNT(*) FROM task_labels) AS labels`,
    ).catch(() => server!.dataSource.query(`SELECT (SELECT COUNT(*) FROM tasks) AS tasks, (SELECT COUNT(*) FROM queue_entries) AS entries, NULL AS labels`))) as Array<{ tasks: string; entries: string; labels: string | null }>;
    log(`stored: ${rows[0]!.tasks} tasks, ${rows[0]!.entries} queue entries${rows[0]!.labels === null ? "" : `, ${rows[0]!.labels} label rows`}`);
  } finally {
    load?.stop();
    await server?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
