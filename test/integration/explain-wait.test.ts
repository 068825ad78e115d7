/**
 * ExplainTaskWait against the real server, dispatcher and worker, over gRPC and Connect JSON:
 * a paused queue, a concurrency slot held by a running task, priorities and fairness turns (the
 * numbers agree with ListQueueEntries), a queue no worker serves, PENDING and finished tasks,
 * unknown ids.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskStatus } from "../../src/gen/taskyard/v1/task_pb.js";
import type { TaskWaitExplanation } from "../../src/gen/taskyard/v1/task_service_pb.js";
import { startTestApp, uniqueLabel, waitFor, type TestApp } from "../helpers/app.js";
import { codeOf, makeQueue, queueClient, queueName, type QueueClient } from "./queue-kit.js";

let app: TestApp;
let queues: QueueClient;
beforeAll(async () => {
  app = await startTestApp();
  queues = queueClient(app);
});
afterAll(async () => {
  await app?.stop();
});

const sleepTask = (queue: string, extra: { priority?: number; project?: string; steps?: number; stepMs?: number } = {}) =>
  app.grpc.createTask({ task: { type: "demo.sleep", queue, priority: extra.priority, project: extra.project, params: { steps: extra.steps ?? 1, step_ms: extra.stepMs ?? 1 } } });

/** The explanation over gRPC, and the same call's Connect JSON body (which must agree on kinds and counts). */
async function explain(id: string): Promise<{ pb: TaskWaitExplanation; json: any }> {
  const pb = await app.grpc.explainTaskWait({ id });
  const res = await app.json("ExplainTaskWait", { id });
  expect(res.status).toBe(200);
  return { pb, json: res.body };
}
const kinds = (x: { reasons?: Array<{ kind: string }> }) => (x.reasons ?? []).map((r) => r.kind);
const reason = (x: TaskWaitExplanation, kind: string) => x.reasons.find((r) => r.kind === kind);
const entryIds = async (name: string) => (await queues.listQueueEntries({ name })).entries.map((e) => e.taskId);

describe("ExplainTaskWait", () => {
  it("names a paused queue first, with the place in line and no estimate", async () => {
    const q = await makeQueue(queues, "xpaused", { paused: true });
    const first = await sleepTask(q.name);
    const task = await sleepTask(q.name);
    const { pb, json } = await explain(task.id);
    expect(pb).toMatchObject({ taskId: task.id, status: TaskStatus.QUEUED, waiting: true, queue: q.name, position: 1n, aheadInBand: 1n, aheadHigherPriority: 0n });
    expect(kinds(pb)).toEqual(["QUEUE_PAUSED", "BEHIND_IN_BAND"]);
    expect(reason(pb, "BEHIND_IN_BAND")!.taskIds).toEqual([first.id]);
    expect(pb.estimatedWait).toBeUndefined();
    expect(pb.summary).toBe(`queue "${q.name}" is paused: ResumeQueue lets it dispatch again; 2nd of 2 at priority 50`);
    expect(json).toMatchObject({ taskId: task.id, status: "TASK_STATUS_QUEUED", waiting: true, position: "1", aheadInBand: "1", summary: pb.summary });
    expect(kinds(json)).toEqual(["QUEUE_PAUSED", "BEHIND_IN_BAND"]);
    await queues.purgeQueue({ name: q.name });
  });

  it("names the running task holding a limit-1 queue's slot, and counts priorities as ListQueueEntries orders them", async () => {
    const q = await makeQueue(queues, "xlimit", { concurrencyLimit: 1 });
    const long = await sleepTask(q.name, { steps: 120, stepMs: 250 });
    try {
      await waitFor(() => app.grpc.getTask({ id: long.id }), (t) => t.status === TaskStatus.RUNNING, 30_000);
      const a = await sleepTask(q.name, { priority: 50 });
      const b = await sleepTask(q.name, { priority: 50 });
      const urgent = await sleepTask(q.name, { priority: 80 });
      expect(await entryIds(q.name)).toEqual([urgent.id, a.id, b.id]);

      const { pb, json } = await explain(b.id);
      expect(pb).toMatchObject({ waiting: true, position: 2n, aheadInBand: 1n, aheadHigherPriority: 1n });
      expect(kinds(pb)).toEqual(["CONCURRENCY_LIMIT", "BEHIND_HIGHER_PRIORITY", "BEHIND_IN_BAND"]);
      expect(reason(pb, "CONCURRENCY_LIMIT")).toMatchObject({ taskIds: [long.id], facts: { limit: "1", running: "1" } });
      expect(reason(pb, "BEHIND_HIGHER_PRIORITY")).toMatchObject({ taskIds: [urgent.id], facts: { ahead: "1", priority: "50" } });
      expect(reason(pb, "BEHIND_IN_BAND")).toMatchObject({ taskIds: [a.id], facts: { ahead: "1", band_size: "2" } });
      expect(pb.summary).toBe(`1 task holds all 1 slot of queue "${q.name}"; 2nd of 2 at priority 50, after 1 at higher priority`);
      // One start on this queue in the last 15 minutes: 1/15 per minute, so 3 places take 45 minutes.
      expect(pb.startedPerMinute).toBeCloseTo(1 / 15, 6);
      expect(pb.estimatedWait).toMatchObject({ seconds: 2700n });
      expect(json).toMatchObject({ position: "2", aheadInBand: "1", aheadHigherPriority: "1", estimatedWait: "2700s" });
      expect(json.reasons[0]).toMatchObject({ kind: "CONCURRENCY_LIMIT", taskIds: [long.id], facts: { limit: "1", running: "1" } });

      // The head of the queue: only the slot holds it.
      const head = await explain(urgent.id);
      expect(head.pb).toMatchObject({ position: 0n, aheadInBand: 0n, aheadHigherPriority: 0n });
      expect(kinds(head.pb)).toEqual(["CONCURRENCY_LIMIT"]);
      // The running task is not waiting.
      const running = await explain(long.id);
      expect(running.pb).toMatchObject({ status: TaskStatus.RUNNING, waiting: false, reasons: [] });
      expect(running.pb.position).toBeUndefined();
      expect(running.json).toMatchObject({ status: "TASK_STATUS_RUNNING" });
      expect(running.json.waiting).toBeUndefined(); // false: proto3 JSON leaves it out
    } finally {
      await app.grpc.cancelTask({ id: long.id }).catch(() => undefined);
      await queues.purgeQueue({ name: q.name }).catch(() => undefined);
    }
  });

  it("names the rate limit when the queue's bucket holds fewer starts than the task's place needs", async () => {
    // A full bucket of 1 (the paused dispatcher never spends it): the head may start, the second may not.
    const q = await makeQueue(queues, "xrate", { paused: true, rateLimit: { perSecond: 0.01, burst: 1 } });
    const head = await sleepTask(q.name);
    const second = await sleepTask(q.name);
    expect(kinds((await explain(head.id)).pb)).toEqual(["QUEUE_PAUSED"]);
    const { pb, json } = await explain(second.id);
    expect(kinds(pb)).toEqual(["QUEUE_PAUSED", "RATE_LIMIT", "BEHIND_IN_BAND"]);
    expect(reason(pb, "RATE_LIMIT")!.facts).toEqual({ per_second: "0.01", burst: "1", tokens: "1.00", rate_per_minute: "0.6", wait_ms: "100000" });
    expect(json.reasons[1]).toMatchObject({ kind: "RATE_LIMIT", facts: { tokens: "1.00", wait_ms: "100000" } });
    await queues.purgeQueue({ name: q.name });
  });

  it("shows whose fairness turn it is and how many of its own value are ahead", async () => {
    const q = await makeQueue(queues, "xfair", { paused: true, fairnessKey: "project" });
    const p = uniqueLabel();
    const [a1, a2, a3] = [await sleepTask(q.name, { project: `${p}a` }), await sleepTask(q.name, { project: `${p}a` }), await sleepTask(q.name, { project: `${p}a` })];
    const b1 = await sleepTask(q.name, { project: `${p}b` });
    // Turns: a, b, a, a.
    expect(await entryIds(q.name)).toEqual([a1.id, b1.id, a2.id, a3.id]);
    const { pb, json } = await explain(a3.id);
    expect(pb).toMatchObject({ position: 3n, aheadInBand: 3n });
    expect(kinds(pb)).toEqual(["QUEUE_PAUSED", "BEHIND_IN_BAND", "FAIRNESS_TURN"]);
    expect(reason(pb, "FAIRNESS_TURN")!.facts).toEqual({ fairness_key: "project", fairness_value: `${p}a`, turn: `${p}a`, ahead_same_value: "2" });
    expect(kinds(json)).toEqual(kinds(pb));
    const b = await explain(b1.id);
    expect(b.pb).toMatchObject({ position: 1n, aheadInBand: 1n });
    expect(reason(b.pb, "FAIRNESS_TURN")!.facts).toMatchObject({ fairness_value: `${p}b`, turn: `${p}a`, ahead_same_value: "0" });
    await queues.purgeQueue({ name: q.name });
  });

  it("says no worker serves a queue: for the task dispatched to it and for the one queued behind it", async () => {
    // Its own Temporal task queue (taskyard.<name>), which no worker polls.
    const name = queueName("xnoworker");
    await queues.createQueue({ queue: { name, concurrencyLimit: 1 } });
    const dispatched = await sleepTask(name);
    const behind = await sleepTask(name);
    try {
      await waitFor(() => app.grpc.getTask({ id: dispatched.id }), (t) => t.statusReason === "DISPATCHED");
      const first = await explain(dispatched.id);
      expect(first.pb).toMatchObject({ status: TaskStatus.QUEUED, waiting: true });
      expect(kinds(first.pb)).toEqual(["NO_WORKER", "WAITING_FOR_WORKER"]);
      expect(first.pb.position).toBeUndefined();
      expect(first.pb.summary).toBe(`no worker serves queue "${name}" for type "demo.sleep" (see ListTaskTypes)`);
      expect(kinds(first.json)).toEqual(["NO_WORKER", "WAITING_FOR_WORKER"]);

      const second = await explain(behind.id);
      expect(kinds(second.pb)).toEqual(["NO_WORKER", "CONCURRENCY_LIMIT"]);
      expect(reason(second.pb, "CONCURRENCY_LIMIT")!.taskIds).toEqual([dispatched.id]);
      expect(second.pb.position).toBe(0n);
      expect(second.pb.estimatedWait).toBeUndefined(); // nothing can start it as things are
      expect(second.json.estimatedWait).toBeUndefined();
    } finally {
      await app.grpc.cancelTask({ id: behind.id }).catch(() => undefined);
      await app.grpc.cancelTask({ id: dispatched.id }).catch(() => undefined);
    }
  });

  it("answers PENDING for a task not queued, waiting = false for a finished one", async () => {
    const pendingTask = await app.grpc.createTask({ task: { type: "demo.sleep", params: { steps: 1, step_ms: 1 } }, start: false });
    const p = await explain(pendingTask.id);
    expect(p.pb).toMatchObject({ status: TaskStatus.PENDING, waiting: true, queue: "default" });
    expect(kinds(p.pb)).toEqual(["PENDING"]);
    expect(p.pb.position).toBeUndefined();
    expect(p.json).toMatchObject({ status: "TASK_STATUS_PENDING", waiting: true, reasons: [{ kind: "PENDING" }] });

    const done = await sleepTask("default");
    await app.grpc.waitTask({ id: done.id, timeout: { seconds: 30n, nanos: 0 } });
    const d = await explain(done.id);
    expect(d.pb).toMatchObject({ status: TaskStatus.COMPLETED, waiting: false, reasons: [], aheadInBand: 0n });
    expect(d.pb.summary).toContain("COMPLETED");
    expect(d.json).toMatchObject({ status: "TASK_STATUS_COMPLETED" });
  });

  it("answers NOT_FOUND for an unknown id and INVALID_ARGUMENT naming id for a malformed one", async () => {
    const unknown = "01900000-0000-7000-8000-000000000000";
    expect(await codeOf(app.grpc.explainTaskWait({ id: unknown }))).toBe("NotFound");
    const res = await app.json("ExplainTaskWait", { id: unknown });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: "not_found" });
    expect(await codeOf(app.grpc.explainTaskWait({ id: "nope" }))).toBe("InvalidArgument");
    const bad = await app.json("ExplainTaskWait", { id: "nope" });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^id: /);
  });
});
