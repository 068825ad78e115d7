/**
 * Limits that stop abuse, on a real server with authentication on and deliberately small
 * quotas: per-tenant task-creation rate (RESOURCE_EXHAUSTED with google.rpc.RetryInfo and
 * Retry-After), streams per caller, request size, and the request-shape limits enforced at the
 * edge (tags, labels, params, page size, filter length and depth, batch size).
 */
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RetryInfoSchema } from "../../src/gen/google/rpc/error_details_pb.js";
import type { Task } from "../../src/gen/taskyard/v1/task_pb.js";
import { CreateTaskRequestSchema, TaskService } from "../../src/gen/taskyard/v1/task_service_pb.js";
import { startTestApp, waitFor, type TestApp } from "../helpers/app.js";
import { startTestIdp, uniqueTenant, type TestIdp } from "../helpers/auth.js";
import { codeOf, errorOf } from "../helpers/rpc.js";

let idp: TestIdp;
let app: TestApp;
beforeAll(async () => {
  idp = await startTestIdp();
  app = await startTestApp({
    worker: false,
    env: { ...idp.env, TASKYARD_CREATE_RATE_PER_SECOND: "1", TASKYARD_CREATE_BURST: "3", TASKYARD_MAX_STREAMS_PER_CALLER: "2" },
  });
});
afterAll(async () => {
  await app?.stop();
  await idp?.stop();
});

/** A TaskService client of a fresh tenant (its own rate bucket). */
async function freshTenant(sub = "svc@example.com") {
  const tenant = uniqueTenant("lim");
  const token = await idp.token({ tenant, roles: ["operator"], sub });
  return { tenant, token, tasks: app.client(TaskService, { token }) };
}

const pendingTask = { task: { type: "demo.sleep" }, start: false };

/**
 * Creates until refused (a slow machine refills a token now and then, so the exact count may
 * exceed the burst); answers how many succeeded and the refusal.
 */
async function drain(createOne: () => Promise<unknown>): Promise<{ created: number; refusal: unknown }> {
  for (let created = 0; created < 20; created++) {
    try {
      await createOne();
    } catch (refusal) {
      return { created, refusal };
    }
  }
  throw new Error("never rate limited");
}

describe("task creation rate per tenant", () => {
  it("answers RESOURCE_EXHAUSTED with RetryInfo once the burst is spent, and lets the call through after the delay", async () => {
    const { tasks } = await freshTenant();
    const { created, refusal } = await drain(() => tasks.createTask(pendingTask));
    expect(created).toBeGreaterThanOrEqual(3);

    const err = ConnectError.from(refusal);
    expect(err.code).toBe(Code.ResourceExhausted);
    expect(err.rawMessage).toMatch(/rate limit of this tenant exceeded \(1\/s, burst 3\); retry in \d+ ms/);
    const [info] = err.findDetails(RetryInfoSchema);
    const delayMs = Number(info!.retryDelay!.seconds) * 1000 + info!.retryDelay!.nanos / 1e6;
    expect(delayMs).toBeGreaterThan(0);
    expect(delayMs).toBeLessThanOrEqual(1000);

    // validate_only creates nothing and draws nothing.
    expect(await codeOf(tasks.createTask({ ...pendingTask, validateOnly: true }))).toBe("OK");

    await new Promise((r) => setTimeout(r, delayMs + 20));
    expect(await codeOf(tasks.createTask(pendingTask))).toBe("OK");
  });

  it("answers HTTP 429 with Retry-After and a RetryInfo detail over Connect JSON", async () => {
    const { token } = await freshTenant();
    let res = await app.json("CreateTask", pendingTask, { token });
    for (let i = 0; i < 20 && res.status === 200; i++) res = await app.json("CreateTask", pendingTask, { token });
    expect(res.status).toBe(429);
    expect(res.body.code).toBe("resource_exhausted");
    expect(res.body.details.map((d: { type: string }) => d.type)).toEqual(["google.rpc.RetryInfo"]);
    expect(res.headers.get("retry-after")).toBe("1");
  });

  it("limits each tenant on its own", async () => {
    const a = await freshTenant();
    const b = await freshTenant();
    const { refusal } = await drain(() => a.tasks.createTask(pendingTask));
    expect(ConnectError.from(refusal).code).toBe(Code.ResourceExhausted);
    expect(await codeOf(b.tasks.createTask(pendingTask))).toBe("OK");
  });

  it("refuses a batch larger than the burst outright and counts every task of a batch", async () => {
    const { tasks } = await freshTenant();
    const requests = (n: number) => Array.from({ length: n }, () => create(CreateTaskRequestSchema, pendingTask));
    const err = await errorOf(tasks.batchCreateTasks({ requests: requests(4) }));
    expect(err.code).toBe(Code.ResourceExhausted);
    expect(err.rawMessage).toContain("4 tasks exceed the per-tenant burst of 3; send smaller batches");
    expect(err.findDetails(RetryInfoSchema)).toEqual([]);

    // A full bucket pays for a batch of exactly the burst; it is then empty (refill: 1/s).
    expect(await codeOf(tasks.batchCreateTasks({ requests: requests(3) }))).toBe("OK");
    expect(await codeOf(tasks.createTask(pendingTask))).toBe("ResourceExhausted");
  });
});

describe("task creation rate across replicas", () => {
  it("is one bucket per tenant for all API replicas together (kept in MySQL)", async () => {
    const second = await startTestApp({
      worker: false,
      env: { ...idp.env, TASKYARD_CREATE_RATE_PER_SECOND: "1", TASKYARD_CREATE_BURST: "3", TASKYARD_MAX_STREAMS_PER_CALLER: "2" },
    });
    try {
      const { token, tasks: viaFirst } = await freshTenant();
      const viaSecond = second.client(TaskService, { token });
      // Alternate replicas: together they let the burst through (+ a token refilled meanwhile on
      // a slow machine), not a burst each.
      let created = 0;
      let refusal: unknown;
      for (let i = 0; i < 20 && !refusal; i++) {
        try {
          await (i % 2 === 0 ? viaFirst : viaSecond).createTask(pendingTask);
          created++;
        } catch (err) {
          refusal = err;
        }
      }
      expect(ConnectError.from(refusal).code).toBe(Code.ResourceExhausted);
      expect(created).toBeGreaterThanOrEqual(3);
      expect(created).toBeLessThan(6); // two in-memory buckets would have let 6 through
      // The other replica sees the same empty bucket.
      expect(await codeOf((created % 2 === 0 ? viaSecond : viaFirst).createTask(pendingTask))).toBe("ResourceExhausted");
    } finally {
      await second.stop();
    }
  });
});

describe("streams per caller", () => {
  it("refuses a third WatchTask stream of one caller, not of another, and frees a slot when a stream ends", async () => {
    const alice = await freshTenant("alice");
    const task: Task = await alice.tasks.createTask(pendingTask);
    const open = async (client: typeof alice.tasks) => {
      const abort = new AbortController();
      const it = client.watchTask({ id: task.id }, { signal: abort.signal })[Symbol.asyncIterator]();
      await it.next(); // the task as it is now; the stream then stays open (PENDING is not terminal)
      return abort;
    };
    const first = await open(alice.tasks);
    const second = await open(alice.tasks);
    const err = await errorOf(open(alice.tasks));
    expect(err.code).toBe(Code.ResourceExhausted);
    expect(err.rawMessage).toContain("at most 2 per caller");

    // Another principal of the same tenant has slots of its own.
    const bobToken = await idp.token({ tenant: alice.tenant, roles: ["viewer"], sub: "bob" });
    const bob = await open(app.client(TaskService, { token: bobToken }));

    first.abort();
    const third = await waitFor(
      () => open(alice.tasks).catch((e: unknown) => e),
      (v) => v instanceof AbortController,
      5_000,
      100,
    );
    for (const s of [second, bob, third as AbortController]) s.abort();
  });

  it("counts a WaitTask long poll like a stream, and frees its slot when it answers", async () => {
    const carol = await freshTenant("carol");
    const task: Task = await carol.tasks.createTask(pendingTask);
    const watch = async () => {
      const abort = new AbortController();
      await carol.tasks.watchTask({ id: task.id }, { signal: abort.signal })[Symbol.asyncIterator]().next();
      return abort;
    };
    const wait = () => carol.tasks.waitTask({ id: task.id, timeout: { seconds: 1n, nanos: 0 } });
    const first = await watch();
    const second = await watch();
    const err = await errorOf(wait());
    expect(err.code).toBe(Code.ResourceExhausted);
    expect(err.rawMessage).toContain("long polls (WatchTask, WatchTasks, WaitTask): at most 2 per caller");

    second.abort();
    await waitFor(() => codeOf(wait()), (code) => code === "OK", 5_000, 100);
    // The answered WaitTask gave its slot back: a second stream opens again.
    const again = await watch();
    for (const s of [first, again]) s.abort();
  });
});

describe("request size and shape", () => {
  it("refuses a request body over 8 MiB with RESOURCE_EXHAUSTED (gRPC) and 429 (Connect JSON)", async () => {
    const { token, tasks } = await freshTenant();
    const comment = "x".repeat(9 * 1024 * 1024);
    expect(await codeOf(tasks.createTask({ task: { type: "demo.sleep", comment }, start: false }))).toBe("ResourceExhausted");
    const res = await app.json("CreateTask", { task: { type: "demo.sleep", comment }, start: false }, { token });
    expect(res.status).toBe(429);
    expect(res.body.code).toBe("resource_exhausted");
  });

  const invalid: Array<[string, string, (tasks: Awaited<ReturnType<typeof freshTenant>>["tasks"]) => Promise<unknown>]> = [
    ["51 tags", "task.tags", (t) => t.createTask({ task: { type: "demo.sleep", tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, start: false })],
    ["a 129-character tag", "task.tags[0]", (t) => t.createTask({ task: { type: "demo.sleep", tags: ["x".repeat(129)] }, start: false })],
    ["65 labels", "task.labels", (t) => t.createTask({ task: { type: "demo.sleep", labels: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, "v"])) }, start: false })],
    ["params over 256 KiB", "task.params", (t) => t.createTask({ task: { type: "demo.sleep", params: { blob: "x".repeat(300 * 1024) } }, start: false })],
    ["page_size 501", "page_size", (t) => t.listTasks({ pageSize: 501 })],
    ["a 2,001-character filter", "filter", (t) => t.listTasks({ filter: `name = "${"x".repeat(1993)}"` })],
    ["a filter nested 33 deep", "filter", (t) => t.listTasks({ filter: `${"(".repeat(33)}name = "x"${")".repeat(33)}` })],
    ["1,001 ids in a batch", "ids", (t) => t.batchGetTasks({ ids: Array.from({ length: 1001 }, () => "01900000-0000-7000-8000-000000000000") })],
  ];

  it.each(invalid)("refuses %s with INVALID_ARGUMENT naming %s", async (_what, field, call) => {
    const { tasks } = await freshTenant();
    const err = await errorOf(call(tasks));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage.startsWith(`${field}:`) || err.rawMessage.startsWith(`${field} `)).toBe(true);
  });
});
