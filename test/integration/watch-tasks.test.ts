/**
 * WatchTasks against the real server, over gRPC and Connect JSON: the page first (snapshot), then
 * only what changed — a task whose status or progress changed, a task entering the filter, one
 * leaving it (removed_ids) — and nothing while nothing changes; a bad query names `query.<field>`.
 */
import { Code, ConnectError, type Client } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueueService } from "../../src/gen/taskyard/v1/queue_service_pb.js";
import { TaskStatus } from "../../src/gen/taskyard/v1/task_pb.js";
import { TaskService, type WatchTasksResponse } from "../../src/gen/taskyard/v1/task_service_pb.js";
import { startTestApp, uniqueLabel, type TestApp } from "../helpers/app.js";
import { makeQueue, sleep } from "./queue-kit.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

type Tasks = Client<typeof TaskService>;
const PROTOCOLS = ["grpc", "connect"] as const;

/**
 * An open WatchTasks stream read one message at a time; a read that timed out stays in flight
 * (the next `next` takes its message, so none is lost); `close` ends the stream from the client.
 */
function watch(client: Tasks, query: Parameters<Tasks["watchTasks"]>[0]["query"]) {
  const abort = new AbortController();
  const it = client.watchTasks({ query }, { signal: abort.signal })[Symbol.asyncIterator]();
  let inflight: Promise<IteratorResult<WatchTasksResponse>> | undefined;
  const read = () => (inflight ??= it.next());
  return {
    async next(timeoutMs = 10_000): Promise<WatchTasksResponse> {
      const r = await Promise.race([read(), sleep(timeoutMs).then(() => undefined)]);
      if (!r) throw new Error(`no WatchTasks message within ${timeoutMs} ms`);
      inflight = undefined;
      if (r.done) throw new Error("the stream ended");
      return r.value;
    },
    /** Whether no message arrives within `ms`. */
    async quiet(ms: number): Promise<boolean> {
      return (await Promise.race([read().then(() => false), sleep(ms).then(() => true)])) as boolean;
    },
    close() {
      inflight?.catch(() => undefined); // the abort fails a read still in flight
      abort.abort();
    },
  };
}

const pendingTask = (client: Tasks, project: string, name: string) =>
  client.createTask({ task: { type: "demo.sleep", project, name, params: { steps: 1, step_ms: 1 } }, start: false });

describe.each(PROTOCOLS)("WatchTasks over %s", (protocol) => {
  it("sends the page, then only changes: status, entering, leaving; nothing while nothing changes", async () => {
    const tasks = app.client(TaskService, { protocol });
    const queues = app.client(QueueService, { protocol });
    const project = uniqueLabel();
    const held = await makeQueue(queues, "watch", { paused: true });
    const a = await pendingTask(tasks, project, "a");
    const b = await pendingTask(tasks, project, "b");

    const stream = watch(tasks, { project, statuses: [TaskStatus.PENDING, TaskStatus.QUEUED], pageSize: 10 });
    try {
      const first = await stream.next();
      expect(first).toMatchObject({ snapshot: true, ids: [b.id, a.id], totalSize: 2, removedIds: [], nextPageToken: "" });
      expect(first.tasks.map((t) => t.name)).toEqual(["b", "a"]);

      // Nothing changes: nothing is sent (two polls at least).
      expect(await stream.quiet(1_500)).toBe(true);

      // A status change (PENDING → QUEUED in a paused queue: it stays there).
      await queues.enqueueTask({ name: held.name, taskId: a.id });
      const queued = await stream.next();
      expect(queued).toMatchObject({ snapshot: false, ids: [b.id, a.id], totalSize: 2, removedIds: [] });
      expect(queued.tasks.map((t) => [t.id, t.status])).toEqual([[a.id, TaskStatus.QUEUED]]);

      // A task entering the filter.
      const c = await pendingTask(tasks, project, "c");
      const entered = await stream.next();
      expect(entered).toMatchObject({ snapshot: false, ids: [c.id, b.id, a.id], totalSize: 3, removedIds: [] });
      expect(entered.tasks.map((t) => t.id)).toEqual([c.id]);

      // A task leaving it: cancelled, it no longer matches the statuses.
      await tasks.cancelTask({ id: b.id });
      const left = await stream.next();
      expect(left).toMatchObject({ snapshot: false, ids: [c.id, a.id], totalSize: 2, removedIds: [b.id], tasks: [] });
    } finally {
      stream.close();
      await queues.purgeQueue({ name: held.name }).catch(() => undefined);
    }
  });

  it("pushes a running task's progress and its end, with the page's total and next page token", async () => {
    const tasks = app.client(TaskService, { protocol });
    const project = uniqueLabel();
    const older = await pendingTask(tasks, project, "older");
    const stream = watch(tasks, { project, pageSize: 1 });
    try {
      const first = await stream.next();
      expect(first).toMatchObject({ snapshot: true, ids: [older.id], totalSize: 1, nextPageToken: "" });

      const run = await tasks.createTask({ task: { type: "demo.sleep", project, params: { steps: 5, step_ms: 600 } } });
      // It enters the one-task page and pushes the older one off it (onto the next page).
      const entered = await stream.next();
      expect(entered).toMatchObject({ ids: [run.id], removedIds: [older.id], totalSize: 2 });
      expect(entered.nextPageToken).not.toBe("");

      const seen: Array<{ status: TaskStatus; current: number }> = [];
      for (let m = entered; ; m = await stream.next(20_000)) {
        expect(m.ids).toEqual([run.id]);
        for (const t of m.tasks) seen.push({ status: t.status, current: Number(t.progress?.current ?? 0n) });
        if (seen.at(-1)?.status === TaskStatus.COMPLETED) break;
      }
      expect(seen.map((s) => s.status)).toContain(TaskStatus.RUNNING);
      const progress = seen.filter((s) => s.status === TaskStatus.RUNNING).map((s) => s.current);
      expect(new Set(progress).size).toBeGreaterThanOrEqual(2); // intermediate progress arrives, not just the end
      expect(progress).toEqual([...progress].sort((x, y) => x - y));
    } finally {
      stream.close();
    }
  });

  it("refuses a bad query naming query.<field> (INVALID_ARGUMENT)", async () => {
    const tasks = app.client(TaskService, { protocol });
    const bad = async (query: Parameters<Tasks["watchTasks"]>[0]["query"]) => {
      try {
        for await (const _ of tasks.watchTasks({ query })) break;
      } catch (err) {
        return ConnectError.from(err);
      }
      throw new Error("expected WatchTasks to fail");
    };
    const filter = await bad({ filter: "nope = 1" });
    expect(filter.code).toBe(Code.InvalidArgument);
    expect(filter.rawMessage).toMatch(/^query\.filter: /);
    const order = await bad({ orderBy: "colour desc" });
    expect(order.code).toBe(Code.InvalidArgument);
    expect(order.rawMessage).toMatch(/^query\.order_by: /);
    const token = await bad({ pageToken: "garbage" });
    expect(token.code).toBe(Code.InvalidArgument);
    expect(token.rawMessage).toMatch(/^query\.page_token: /);
  });
});
