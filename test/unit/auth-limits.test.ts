/** Rate and stream limits: the bucket arithmetic, and the interceptor through createRouterTransport. */
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, createRouterTransport, type Interceptor } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { RetryInfoSchema } from "../../src/gen/google/rpc/error_details_pb.js";
import { TaskSchema } from "../../src/gen/taskyard/v1/task_pb.js";
import { CreateTaskRequestSchema, TaskService } from "../../src/gen/taskyard/v1/task_service_pb.js";
import { callerKey } from "../../src/rpc/caller.js";
import { Counter, limitsInterceptor, TokenBuckets, type LimitsOptions } from "../../src/rpc/limits.js";

describe("TokenBuckets", () => {
  it("starts full, refills at the rate, and says how long until a refused cost fits", () => {
    const b = new TokenBuckets(2, 3);
    expect([b.take("t", 1, 0), b.take("t", 1, 0), b.take("t", 1, 0)]).toEqual([0, 0, 0]);
    expect(b.take("t", 1, 0)).toBe(500);
    expect(b.take("t", 1, 250)).toBe(250);
    expect(b.take("t", 1, 500)).toBe(0);
    expect(b.take("t", 3, 500)).toBe(1500);
    expect(b.take("other", 3, 500)).toBe(0);
    expect(b.take("t", 1, 100_000)).toBe(0); // never more than the burst
    expect(b.take("t", 3, 100_000)).toBe(500);
  });
});

describe("Counter", () => {
  it("counts up to its maximum per key", () => {
    const c = new Counter(2);
    expect([c.acquire("a"), c.acquire("a"), c.acquire("a"), c.acquire("b")]).toEqual([true, true, false, true]);
    c.release("a");
    expect(c.count("a")).toBe(1);
    expect(c.acquire("a")).toBe(true);
  });
});

/** TaskService with trivial handlers behind the limits interceptor; the caller's tenant comes from a header. */
function client(options: Partial<LimitsOptions> & { now: () => number }) {
  const setCaller: Interceptor = (next) => (req) => {
    req.contextValues.set(callerKey, { tenant: req.header.get("x-tenant") ?? "t", principal: req.header.get("x-principal") ?? "p", roles: ["admin"], method: "anonymous" });
    return next(req);
  };
  const release: Array<() => void> = [];
  const transport = createRouterTransport(
    (router) =>
      router.service(TaskService, {
        createTask: () => create(TaskSchema, { id: "x" }),
        batchCreateTasks: (req) => ({ tasks: req.requests.map(() => create(TaskSchema)) }),
        async *watchTask() {
          const ended = new Promise<void>((resolve) => release.push(resolve));
          yield create(TaskSchema);
          await ended;
        },
      }),
    { router: { interceptors: [setCaller, limitsInterceptor({ createRatePerSecond: 2, createBurst: 3, maxStreamsPerCaller: 1, ...options })] } },
  );
  return { tasks: createClient(TaskService, transport), release };
}

async function refusal(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error("expected the call to fail");
}

describe("limitsInterceptor", () => {
  it("charges one token per created task, none for validate_only, and answers RetryInfo", async () => {
    let now = 0;
    const { tasks } = client({ now: () => now });
    await tasks.createTask({ task: { type: "x" } });
    await tasks.createTask({ task: { type: "x" }, validateOnly: true });
    await tasks.batchCreateTasks({ requests: [create(CreateTaskRequestSchema)], validateOnly: true });
    const err = await refusal(tasks.batchCreateTasks({ requests: [1, 2, 3].map(() => create(CreateTaskRequestSchema)) }));
    expect(err.code).toBe(Code.ResourceExhausted);
    expect(err.findDetails(RetryInfoSchema)[0]?.retryDelay).toMatchObject({ seconds: 0n, nanos: 500_000_000 });
    expect(err.metadata.get("retry-after")).toBe("1");
    now = 500;
    await tasks.batchCreateTasks({ requests: [1, 2, 3].map(() => create(CreateTaskRequestSchema)) });
  });

  it("does not limit creation when the rate is 0", async () => {
    const { tasks } = client({ now: () => 0, createRatePerSecond: 0 });
    for (let i = 0; i < 10; i++) await tasks.createTask({ task: { type: "x" } });
  });

  it("counts open streams per caller and frees the slot when a stream ends", async () => {
    const { tasks, release } = client({ now: () => 0 });
    const first = tasks.watchTask({ id: "a" })[Symbol.asyncIterator]();
    await first.next();
    const err = await refusal(tasks.watchTask({ id: "a" })[Symbol.asyncIterator]().next());
    expect(err.code).toBe(Code.ResourceExhausted);
    const other = tasks.watchTask({ id: "a" }, { headers: { "x-principal": "q" } })[Symbol.asyncIterator]();
    await other.next();

    release.splice(0).forEach((r) => r());
    expect(await first.next()).toMatchObject({ done: true });
    await other.next();
    const again = tasks.watchTask({ id: "a" })[Symbol.asyncIterator]();
    await again.next();
    release.splice(0).forEach((r) => r());
    await again.next();
  });
});
