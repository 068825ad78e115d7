/**
 * GetQueueStats' history (60 minutes, per-minute starts, finishes and average wait) and its
 * per-project shares, over real gRPC and Connect JSON against MariaDB, Temporal and a worker.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskStatus } from "../../src/gen/taskyard/v1/task_pb.js";
import { startTestApp, waitFor, type TestApp } from "../helpers/app.js";
import { makeQueue, queueClient, queueJson, statusCounts, type QueueClient } from "./queue-kit.js";

let app: TestApp;
let queues: QueueClient;
const cleanup: string[] = [];

beforeAll(async () => {
  app = await startTestApp();
  queues = queueClient(app);
});
afterAll(async () => {
  for (const id of cleanup) await app?.grpc.cancelTask({ id }).catch(() => undefined);
  await app?.stop();
});

const MINUTE = 60_000;
const sleepTask = (queue: string, project: string, steps = 1, stepMs = 0) =>
  app.grpc.createTask({ task: { type: "demo.sleep", queue, project, params: { steps, step_ms: stepMs } } });
const durationMs = (d: { seconds: bigint; nanos: number } | undefined) => (d ? Number(d.seconds) * 1000 + d.nanos / 1e6 : undefined);
/** `"0.125s"` (Connect JSON's Duration) in ms. */
const jsonDurationMs = (s: string | undefined) => (s === undefined ? undefined : Math.round(Number.parseFloat(s) * 1000));

/** What the history must say, from the tasks' own rows: per minute since `since`. */
async function expectedHistory(queue: string, since: number) {
  const rows: Array<{ queue_time: Date | null; start_time: Date | null; end_time: Date | null }> = await app.dataSource.query(
    `SELECT queue_time, start_time, end_time FROM tasks WHERE tenant = 'default' AND queue = ?`,
    [queue],
  );
  const points = Array.from({ length: 60 }, () => ({ started: 0, finished: 0, waits: [] as number[] }));
  const bucket = (d: Date) => Math.floor((d.getTime() - since) / MINUTE);
  for (const r of rows) {
    if (r.start_time) {
      const p = points[bucket(r.start_time)]!;
      p.started++;
      if (r.queue_time) p.waits.push(r.start_time.getTime() - r.queue_time.getTime());
    }
    if (r.end_time) points[bucket(r.end_time)]!.finished++;
  }
  return points.map((p) => ({ started: p.started, finished: p.finished, averageWaitMs: p.waits.length ? Math.round(p.waits.reduce((a, b) => a + b, 0) / p.waits.length) : 0 }));
}

describe("GetQueueStats history and projects", () => {
  it("counts the last hour per minute and shows who holds the slot and who waits, over gRPC and Connect JSON", async () => {
    const q = await makeQueue(queues, "hist", { concurrencyLimit: 1 });
    // Three short tasks through a one-slot queue: each waits for the one before it.
    const done = await Promise.all([1, 2, 3].map(() => sleepTask(q.name, "alpha", 2, 50)));
    await waitFor(() => statusCounts(app, done.map((t) => t.id)), (c) => c.COMPLETED === 3);
    const holder = await sleepTask(q.name, "holder", 600, 100);
    cleanup.push(holder.id);
    await waitFor(() => app.grpc.getTask({ id: holder.id }), (t) => t.status === TaskStatus.RUNNING);
    const waiters = await Promise.all([1, 2].map(() => sleepTask(q.name, "waiter")));
    cleanup.push(...waiters.map((t) => t.id));

    const before = Date.now();
    const stats = await queues.getQueueStats({ name: q.name });
    const after = Date.now();
    expect(stats).toMatchObject({ name: q.name, queued: 2n, running: 1n });

    // 60 whole minutes, oldest first, the last one being now.
    expect(stats.history).toHaveLength(60);
    const starts = stats.history.map((p) => Number(p.startTime!.seconds) * 1000 + p.startTime!.nanos / 1e6);
    for (let i = 1; i < 60; i++) expect(starts[i]! - starts[i - 1]!).toBe(MINUTE);
    expect(starts[0]! % MINUTE).toBe(0);
    expect(starts[59]!).toBeLessThanOrEqual(after);
    expect(starts[59]! + MINUTE).toBeGreaterThan(before);

    const got = stats.history.map((p) => ({ started: Number(p.started), finished: Number(p.finished), averageWaitMs: durationMs(p.averageWait) }));
    // The four starts (three short tasks and the holder) and three finishes fell in the last minutes.
    const recent = got.slice(-2);
    expect(recent.reduce((n, p) => n + p.started, 0)).toBe(4);
    expect(recent.reduce((n, p) => n + p.finished, 0)).toBe(3);
    expect(got.slice(0, -2).every((p) => p.started === 0 && p.finished === 0 && p.averageWaitMs === 0)).toBe(true);
    // Per minute exactly what the rows say; the queued-behind tasks make some wait real.
    const expected = await expectedHistory(q.name, starts[0]!);
    for (let i = 0; i < 60; i++) {
      expect(got[i]!.started, `minute ${i}`).toBe(expected[i]!.started);
      expect(got[i]!.finished, `minute ${i}`).toBe(expected[i]!.finished);
      expect(Math.abs(got[i]!.averageWaitMs! - expected[i]!.averageWaitMs), `minute ${i}`).toBeLessThanOrEqual(1);
    }
    expect(recent.some((p) => p.started > 0 && p.averageWaitMs! > 0)).toBe(true);

    // The holder's project holds the only slot; the waiters' project waits; finished tasks count in neither.
    expect(stats.projects.map((p) => ({ project: p.project, running: p.running, queued: p.queued }))).toEqual([
      { project: "holder", running: 1n, queued: 0n },
      { project: "waiter", running: 0n, queued: 2n },
    ]);

    // The same over Connect JSON (int64 as strings, zero fields left out, Durations as "1.5s").
    const res = await queueJson(app, "GetQueueStats", { name: q.name });
    expect(res.status).toBe(200);
    expect(res.body.history).toHaveLength(60);
    expect(res.body.history[0].startTime).toBe(new Date(starts[0]!).toISOString().replace(".000Z", "Z"));
    const json = (res.body.history as Array<{ started?: string; finished?: string; averageWait?: string }>).map((p) => ({
      started: Number(p.started ?? 0),
      finished: Number(p.finished ?? 0),
      averageWaitMs: jsonDurationMs(p.averageWait),
    }));
    expect(json).toEqual(got);
    expect((res.body.projects as Array<{ project: string; running?: string; queued?: string }>).map((p) => [p.project, Number(p.running ?? 0), Number(p.queued ?? 0)])).toEqual([
      ["holder", 1, 0],
      ["waiter", 0, 2],
    ]);
  });

  it("counts a task dispatched and waiting for a worker as holding a slot of its project", async () => {
    // No worker polls this queue's own Temporal task queue: its task is handed over and waits.
    const q = await queues.createQueue({ queue: { name: `unserved-${Date.now().toString(36)}` } });
    const stuck = await sleepTask(q.name, "stuck");
    cleanup.push(stuck.id);
    await waitFor(() => app.grpc.getTask({ id: stuck.id }), (t) => t.statusReason === "DISPATCHED");

    const stats = await queues.getQueueStats({ name: q.name });
    expect(stats.projects.map((p) => [p.project, p.running, p.queued])).toEqual([["stuck", 1n, 0n]]);
    // Never started: no start in the history.
    expect(stats.history.reduce((n, p) => n + Number(p.started), 0)).toBe(0);
    const res = await queueJson(app, "GetQueueStats", { name: q.name });
    expect(res.body.projects).toEqual([{ project: "stuck", running: "1" }]);
  });
});
