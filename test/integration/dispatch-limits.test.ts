/**
 * The dispatcher's limits against real MariaDB and Temporal, sampled from the database while
 * tasks run: concurrency limit, pause / resume, and the per-queue rate limit (checked on the
 * recorded start times, so a slow machine can only make the spacing larger, never fail it).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestApp, waitFor, type TestApp } from "../helpers/app.js";
import { makeQueue, queueClient, sleep, dispatchTimes, statusCounts, type QueueClient } from "./queue-kit.js";

let app: TestApp;
let queues: QueueClient;

beforeAll(async () => {
  app = await startTestApp();
  queues = queueClient(app);
});
afterAll(async () => {
  await app?.stop();
});

async function createTasks(queue: string, count: number, params: { steps: number; step_ms: number }): Promise<string[]> {
  const res = await app.grpc.batchCreateTasks({
    requests: Array.from({ length: count }, () => ({ task: { type: "demo.sleep", queue, params } })),
  });
  return res.tasks.map((t) => t.id);
}

async function activeInQueue(queue: string): Promise<number> {
  const [row]: Array<{ n: string }> = await app.dataSource.query(`SELECT COUNT(*) AS n FROM tasks WHERE queue = ? AND status IN ('RUNNING', 'CANCELLING')`, [queue]);
  return Number(row?.n ?? 0);
}

it("never runs more than the concurrency limit at once (sampled every 50 ms), and uses it", async () => {
  const q = await makeQueue(queues, "limit2", { concurrencyLimit: 2 });
  const ids = await createTasks(q.name, 10, { steps: 3, step_ms: 100 });
  const samples: number[] = [];
  let done = false;
  const sampler = (async () => {
    while (!done) {
      samples.push(await activeInQueue(q.name));
      await sleep(50);
    }
  })();
  await waitFor(() => statusCounts(app, ids), (c) => c.COMPLETED === 10, 60_000);
  done = true;
  await sampler;
  expect(Math.max(...samples)).toBe(2);
  expect(samples.length).toBeGreaterThan(20);
  console.info(`concurrency limit 2: ${samples.length} samples, max ${Math.max(...samples)} RUNNING, histogram ${JSON.stringify(histogram(samples))}`);
});

it("holds tasks while paused and releases them on resume", async () => {
  const q = await makeQueue(queues, "pause", { paused: true });
  const ids = await createTasks(q.name, 3, { steps: 1, step_ms: 0 });
  // Several dispatcher passes (interval 250 ms, and every create wakes it) leave them queued.
  await sleep(800);
  expect(await statusCounts(app, ids)).toEqual({ QUEUED: 3 });
  expect((await queues.getQueueStats({ name: q.name })).queued).toBe(3n);

  await queues.resumeQueue({ name: q.name });
  await waitFor(() => statusCounts(app, ids), (c) => c.COMPLETED === 3);

  // Pausing again holds new tasks, and running ones go on.
  await queues.pauseQueue({ name: q.name });
  const [held] = await createTasks(q.name, 1, { steps: 1, step_ms: 0 });
  await sleep(500);
  expect(await statusCounts(app, [held!])).toEqual({ QUEUED: 1 });
  await queues.resumeQueue({ name: q.name });
  await waitFor(() => statusCounts(app, [held!]), (c) => c.COMPLETED === 1);
});

it("starts no faster than the rate limit allows: 20 tasks at 5/s with a burst of 5", async () => {
  const rate = 5;
  const burst = 5;
  const q = await makeQueue(queues, "rate", { paused: true, rateLimit: { perSecond: rate, burst } });
  const ids = await createTasks(q.name, 20, { steps: 1, step_ms: 0 });
  await queues.resumeQueue({ name: q.name });
  const starts = await waitFor(() => dispatchTimes(app, ids), (t) => t.length === 20, 30_000);

  // Token bucket: any k consecutive starts within Δt need k ≤ burst + rate·Δt (+1 ms rounding).
  for (let i = 0; i < starts.length; i++) {
    for (let j = i; j < starts.length; j++) {
      const allowed = burst + (rate * (starts[j]! - starts[i]! + 1)) / 1000;
      expect(j - i + 1, `starts ${i}..${j} within ${starts[j]! - starts[i]!} ms`).toBeLessThanOrEqual(allowed + 1e-9);
    }
  }
  const spanMs = starts[19]! - starts[0]!;
  expect(spanMs).toBeGreaterThanOrEqual(((20 - burst) / rate) * 1000 - 1);
  console.info(`rate limit 5/s burst 5: 20 starts over ${spanMs} ms; gaps ${starts.slice(1).map((t, i) => t - starts[i]!).join(",")}`);
  await waitFor(() => statusCounts(app, ids), (c) => c.COMPLETED === 20);
});

function histogram(values: number[]): Record<number, number> {
  const h: Record<number, number> = {};
  for (const v of values) h[v] = (h[v] ?? 0) + 1;
  return h;
}
