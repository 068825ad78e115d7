/**
 * Dispatch order: priority, then position; every MoveTask form; fairness by a key. Each queue
 * starts paused so the order can be read with ListQueueEntries, then resumes and the real
 * dispatcher's order (DISPATCHED events) must be the listed one.
 */
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Position } from "../../src/gen/taskyard/v1/queue_service_pb.js";
import { startTestApp, waitFor, type TestApp } from "../helpers/app.js";
import { codeOf, dispatchOrder, errorOf, makeQueue, queueClient, statusCounts, type QueueClient } from "./queue-kit.js";

let app: TestApp;
let queues: QueueClient;

beforeAll(async () => {
  app = await startTestApp();
  queues = queueClient(app);
});
afterAll(async () => {
  await app?.stop();
});

interface Seed {
  priority?: number;
  project?: string;
  labels?: Record<string, string>;
}

/** Creates quick tasks in order (sequentially: creation order = position order). */
async function seed(queue: string, specs: Seed[]): Promise<string[]> {
  const ids: string[] = [];
  for (const s of specs) {
    const t = await app.grpc.createTask({ task: { type: "demo.sleep", queue, params: { steps: 1, step_ms: 0 }, priority: s.priority ?? 0, project: s.project ?? "", labels: s.labels ?? {} } });
    ids.push(t.id);
  }
  return ids;
}

async function listed(queue: string): Promise<string[]> {
  const ids: string[] = [];
  let pageToken = "";
  do {
    const page = await queues.listQueueEntries({ name: queue, pageSize: 3, pageToken });
    page.entries.forEach((e, i) => expect(e.position).toBe(ids.length + i));
    ids.push(...page.entries.map((e) => e.taskId));
    pageToken = page.nextPageToken;
  } while (pageToken);
  return ids;
}

/** Resumes the queue and answers the order its tasks were dispatched in. */
async function dispatched(queue: string, ids: string[]): Promise<string[]> {
  await queues.resumeQueue({ name: queue });
  return waitFor(() => dispatchOrder(app, ids), (order) => order.length === ids.length);
}

const move = (name: string, taskId: string, position: Position, extra: { count?: number; beforeTaskId?: string } = {}) =>
  queues.moveTask({ name, taskId, position, ...extra });

describe("order", () => {
  it("lists and dispatches by priority, then queue position, with page tokens", async () => {
    const q = await makeQueue(queues, "order", { paused: true });
    const [low1, mid1, high1, low2, mid2, high2, mid3] = await seed(q.name, [
      { priority: 25 },
      {},
      { priority: 75 },
      { priority: 25 },
      {},
      { priority: 75 },
      { priority: 50 },
    ]);
    const expected = [high1, high2, mid1, mid2, mid3, low1, low2];
    expect(await listed(q.name)).toEqual(expected);
    const entries = (await queues.listQueueEntries({ name: q.name })).entries;
    expect(entries.map((e) => e.priority)).toEqual([75, 75, 50, 50, 50, 25, 25]);
    expect(entries[0]).toMatchObject({ taskType: "demo.sleep", taskName: "demo.sleep" });
    expect(await dispatched(q.name, expected as string[])).toEqual(expected);
  });
});

describe("MoveTask", () => {
  it("moves to the front and to the back of the task's priority band", async () => {
    const q = await makeQueue(queues, "front-back", { paused: true });
    const [high, a, b, c] = await seed(q.name, [{ priority: 90 }, {}, {}, {}]);
    expect((await move(q.name, c!, Position.FRONT)).position).toBe(1); // behind the higher band
    expect(await listed(q.name)).toEqual([high, c, a, b]);
    expect((await move(q.name, c!, Position.BACK)).position).toBe(3);
    expect(await listed(q.name)).toEqual([high, a, b, c]);
    // Already there: nothing changes.
    expect((await move(q.name, c!, Position.BACK)).position).toBe(3);
    // A task enqueued later still joins behind the moved one.
    const [d] = await seed(q.name, [{}]);
    expect(await listed(q.name)).toEqual([high, a, b, c, d]);
    expect(await dispatched(q.name, [high!, a!, b!, c!, d!])).toEqual([high, a, b, c, d]);
  });

  it("moves forward and backward by count, clamped at the band's ends", async () => {
    const q = await makeQueue(queues, "fwd-back", { paused: true });
    const [a, b, c, d, e] = await seed(q.name, [{}, {}, {}, {}, {}]);
    expect((await move(q.name, d!, Position.FORWARD, { count: 2 })).position).toBe(1);
    expect(await listed(q.name)).toEqual([a, d, b, c, e]);
    expect((await move(q.name, d!, Position.FORWARD)).position).toBe(0);
    expect(await listed(q.name)).toEqual([d, a, b, c, e]);
    expect((await move(q.name, a!, Position.BACKWARD, { count: 3 })).position).toBe(4);
    expect(await listed(q.name)).toEqual([d, b, c, e, a]);
    expect((await move(q.name, d!, Position.BACKWARD)).position).toBe(1);
    expect(await listed(q.name)).toEqual([b, d, c, e, a]);
    expect((await move(q.name, c!, Position.FORWARD, { count: 100 })).position).toBe(0);
    expect((await move(q.name, b!, Position.BACKWARD, { count: 100 })).position).toBe(4);
    expect(await listed(q.name)).toEqual([c, d, e, a, b]);
  });

  it("moves before another task of the same band, and refuses anchors elsewhere", async () => {
    const q = await makeQueue(queues, "before", { paused: true });
    const [a, b, c, high] = await seed(q.name, [{}, {}, {}, { priority: 80 }]);
    expect((await move(q.name, c!, Position.BEFORE, { beforeTaskId: b! })).position).toBe(2);
    expect(await listed(q.name)).toEqual([high, a, c, b]);
    expect((await move(q.name, b!, Position.BEFORE, { beforeTaskId: a! })).position).toBe(1);
    expect(await listed(q.name)).toEqual([high, b, a, c]);

    const otherBand = await errorOf(move(q.name, a!, Position.BEFORE, { beforeTaskId: high! }));
    expect(otherBand.code).toBe(Code.FailedPrecondition);
    expect(otherBand.rawMessage).toMatch(/^before_task_id: .*priority band/);
    const other = await makeQueue(queues, "before-other", { paused: true });
    const [elsewhere] = await seed(other.name, [{}]);
    const notHere = await errorOf(move(q.name, a!, Position.BEFORE, { beforeTaskId: elsewhere! }));
    expect(notHere.code).toBe(Code.FailedPrecondition);
    expect(notHere.rawMessage).toMatch(/^before_task_id: .*not queued in/);
    expect(await listed(q.name)).toEqual([high, b, a, c]);
  });

  it("keeps a consistent order through many moves between the same neighbours (positions renumbered)", async () => {
    const q = await makeQueue(queues, "dense", { paused: true });
    const ids = await seed(q.name, [{}, {}, {}, {}]);
    const order = [...ids];
    // Alternately put the last task before the second: each move halves the same gap, so the
    // doubles run out of room and the band is renumbered on the way.
    for (let i = 0; i < 40; i++) {
      const last = order.pop()!;
      order.splice(1, 0, last);
      const { position } = await move(q.name, last, Position.BEFORE, { beforeTaskId: order[2]! });
      expect(position).toBe(1);
    }
    expect(await listed(q.name)).toEqual(order);
  });

  it("refuses a task that is not queued in the queue, and an unknown task", async () => {
    const q = await makeQueue(queues, "move-refuse", { paused: true });
    const pending = await app.grpc.createTask({ task: { type: "demo.sleep" }, start: false });
    const err = await errorOf(move(q.name, pending.id, Position.FRONT));
    expect(err.code).toBe(Code.FailedPrecondition);
    expect(err.rawMessage).toMatch(/^task_id: .*is not queued in .* \(it is PENDING\)/);
    expect(await codeOf(move(q.name, "01890000-0000-7000-8000-00000000dead", Position.FRONT))).toBe("NotFound");
    expect(await codeOf(move(q.name, pending.id, Position.UNSPECIFIED))).toBe("InvalidArgument");
  });
});

describe("fairness", () => {
  it("lets a small project's tasks through between a flooding project's, in listing and dispatch", async () => {
    const q = await makeQueue(queues, "fair", { paused: true, fairnessKey: "project", concurrencyLimit: 2 });
    const flood = await seed(q.name, Array.from({ length: 10 }, () => ({ project: "flood" })));
    const small = await seed(q.name, [{ project: "small" }, { project: "small" }, { project: "small" }]);
    const [urgent] = await seed(q.name, [{ project: "flood", priority: 90 }]);
    const expected = [urgent, flood[0], small[0], flood[1], small[1], flood[2], small[2], ...flood.slice(3)];
    expect(await listed(q.name)).toEqual(expected);

    const all = [urgent!, ...flood, ...small];
    const order = await dispatched(q.name, all);
    // Dispatched two at a time (the limit), round-robin resuming where the last pass stopped.
    expect(order).toEqual(expected);
    await waitFor(() => statusCounts(app, all), (c) => c.COMPLETED === all.length);
  });

  it("does not leave a priority band while it still has tasks, when one value of the band runs out first", async () => {
    const q = await makeQueue(queues, "fair-band", { paused: true, fairnessKey: "project", concurrencyLimit: 4 });
    const [a] = await seed(q.name, [{ project: "a", priority: 90 }]);
    const b = await seed(q.name, Array.from({ length: 5 }, () => ({ project: "b", priority: 90 })));
    const low = await seed(q.name, [{ project: "c", priority: 10 }, { project: "c", priority: 10 }]);
    const expected = [a, ...b, ...low];
    expect(await listed(q.name)).toEqual(expected);
    // The first pass has 4 slots: a, then b's tasks — never a priority-10 task while b waits.
    expect(await dispatched(q.name, expected as string[])).toEqual(expected);
  });

  it("shares by a label, and rebuilds the turns when the queue's key changes", async () => {
    const q = await makeQueue(queues, "fair-label", { paused: true });
    const acme = await seed(q.name, [{ labels: { customer: "acme" } }, { labels: { customer: "acme" } }, { labels: { customer: "acme" } }]);
    const [other] = await seed(q.name, [{ labels: { customer: "zeta" } }]);
    const [none] = await seed(q.name, [{}]);
    expect(await listed(q.name)).toEqual([...acme, other, none]);

    await queues.updateQueue({ queue: { name: q.name, fairnessKey: "labels.customer" }, updateMask: { paths: ["fairness_key"] } });
    // Values in order: "" (no label), acme, zeta — then round-robin.
    expect(await listed(q.name)).toEqual([acme[0], other, none, acme[1], acme[2]]);
    expect(await dispatched(q.name, [...acme, other!, none!])).toEqual([acme[0], other, none, acme[1], acme[2]]);
  });
});
