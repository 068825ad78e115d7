/**
 * Load generator for bench/create.ts, run as a forked child process (so the client's gRPC CPU
 * cost does not share the server's event loop). The parent sends one LoadJob at a time over IPC
 * and gets a LoadResult back; the process exits when the parent disconnects.
 */
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { TaskService } from "../../src/gen/taskyard/v1/task_service_pb.js";
import { percentile } from "./measure.js";

export interface LoadJob {
  kind: "create" | "batch";
  baseUrl: string;
  /** Tasks to create. */
  count: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Tasks per BatchCreateTasks call. */
  batchSize?: number;
  queue: string;
  start: boolean;
  /** Makes request ids and names unique per job. */
  tag: string;
}

export interface LoadResult {
  tasks: number;
  calls: number;
  errors: number;
  firstError?: string;
  seconds: number;
  /** Per-call latency, ms. */
  p50: number;
  p95: number;
}

const PRODUCTS = ["mood", "genre", "scenes", "faces", "logos", "speech", "subtitles", "thumbnails"];

function task(job: LoadJob, i: number) {
  return {
    task: {
      type: "demo.sleep",
      name: `bench ${job.tag} ${i}`,
      project: `bench-${String(i % 20).padStart(2, "0")}`,
      queue: job.queue,
      params: { steps: 1, step_ms: 1 },
      labels: { asset: `asset-${job.tag}-${i}`, product: PRODUCTS[i % PRODUCTS.length]!, version: String(1 + (i % 5)) },
      tags: i % 3 === 0 ? ["bench", "gpu"] : ["bench"],
      comment: i % 7 === 0 ? "created by bench:create" : "",
    },
    requestId: `${job.tag}-${i}`,
    start: job.start,
  };
}

async function run(job: LoadJob): Promise<LoadResult> {
  const sessionManager = new Http2SessionManager(job.baseUrl);
  const client = createClient(TaskService, createGrpcTransport({ baseUrl: job.baseUrl, sessionManager }));
  const size = job.kind === "batch" ? (job.batchSize ?? 1000) : 1;
  const calls = Math.ceil(job.count / size);
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = process.hrtime.bigint();
  const lane = async () => {
    for (let call = next++; call < calls; call = next++) {
      const t0 = process.hrtime.bigint();
      try {
        if (job.kind === "create") {
          await client.createTask(task(job, call));
        } else {
          const from = call * size;
          const n = Math.min(size, job.count - from);
          await client.batchCreateTasks({ requests: Array.from({ length: n }, (_, k) => task(job, from + k)) });
        }
      } catch (err) {
        errors++;
        firstError ??= String(err);
      }
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: Math.min(job.concurrency, calls) }, lane));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  sessionManager.abort();
  latencies.sort((a, b) => a - b);
  return { tasks: job.count, calls, errors, firstError, seconds, p50: percentile(latencies, 50), p95: percentile(latencies, 95) };
}

process.on("message", (job: LoadJob) => {
  run(job).then(
    (result) => process.send?.({ result }),
    (err: unknown) => process.send?.({ error: String(err) }),
  );
});
process.on("disconnect", () => process.exit(0));
