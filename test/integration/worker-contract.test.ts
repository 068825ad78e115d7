/**
 * One behaviour, two kits: the same scenarios against a TypeScript and a Python worker process
 * (test/fixtures/contract/handlers.{ts,py}), each in a tenant of its own with a worker
 * credential, against the real server, MariaDB and Temporal (docs/workers.md is the contract).
 * The TypeScript kit's tasks are driven over gRPC, the Python kit's over Connect JSON; the
 * registry and schema checks over both.
 */
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueueService } from "../../src/gen/taskyard/v1/queue_service_pb.js";
import { TaskStatus, type Task } from "../../src/gen/taskyard/v1/task_pb.js";
import { TaskService } from "../../src/gen/taskyard/v1/task_service_pb.js";
import { isTerminal, startTestApp, uniqueLabel, waitFor, type TestApp } from "../helpers/app.js";
import { createApiKey, startTestIdp, uniqueTenant, type TestIdp } from "../helpers/auth.js";
import { startKitWorker, type Kit, type KitProcess } from "../helpers/kits.js";
import { errorOf } from "../helpers/rpc.js";

let idp: TestIdp;
let app: TestApp;
beforeAll(async () => {
  idp = await startTestIdp();
  // A short registration TTL, so a killed worker stops counting as online within seconds.
  app = await startTestApp({ worker: false, env: { ...idp.env, TASKYARD_WORKER_TTL_MS: "6000" } });
});
afterAll(async () => {
  await app?.stop();
  await idp?.stop();
});

const TYPES = ["contract.commit", "contract.fail", "contract.partial", "contract.steps"];

describe.each<Kit>(["typescript", "python"])("the %s kit", (kit) => {
  const tenant = uniqueTenant(`kit-${kit.slice(0, 2)}`);
  const queue = `contract-${uniqueLabel()}`;
  let token: string;
  let workerToken: string;
  let tasks: ReturnType<typeof taskClient>;
  let worker: KitProcess;
  const taskClient = () => app.client(TaskService, { token, protocol: kit === "typescript" ? "grpc" : "connect" });

  const start = () => startKitWorker(kit, { url: app.baseUrl, token: workerToken, queues: [queue] });
  const listTypes = async () => {
    const res = await app.json("ListTaskTypes", {}, { token });
    expect(res.status).toBe(200);
    return res.body.taskTypes as Array<{ type: string; queues?: string[]; workersOnline?: number; paramsSchema?: { properties?: object } }>;
  };
  const online = async (type: string) => (await listTypes()).find((t) => t.type === type)?.workersOnline ?? 0;
  const create = (type: string, params: object) => tasks.createTask({ task: { type, queue, params } as never });
  const settled = (id: string, timeoutMs = 45_000) => waitFor(() => tasks.getTask({ id }), isTerminal, timeoutMs);

  beforeAll(async () => {
    token = await idp.token({ tenant, roles: ["admin"] });
    workerToken = (await createApiKey(app.dataSource, tenant, "worker")).token;
    tasks = taskClient();
    await app.client(QueueService, { token }).createQueue({ queue: { name: queue, description: `${kit} kit contract` } });
    worker = start();
    await waitFor(() => online("contract.steps"), (n) => n >= 1, 60_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${kit} worker output:\n${worker.output()}`);
    });
  });
  afterAll(async () => {
    await worker?.stop("SIGKILL");
  });

  it("registers its types: ListTaskTypes shows them with their queue, schema and workers online", async () => {
    const types = await listTypes();
    expect(types.map((t) => t.type).filter((t) => t.startsWith("contract.")).sort()).toEqual(TYPES);
    const steps = types.find((t) => t.type === "contract.steps")!;
    expect(steps.queues).toContain(queue);
    expect(steps.workersOnline).toBeGreaterThanOrEqual(1);
    expect(Object.keys(steps.paramsSchema?.properties ?? {})).toEqual(expect.arrayContaining(["n", "step_ms", "crash_at"]));
  });

  it("refuses params that break the type's schema at create, naming the path (gRPC and Connect JSON)", async () => {
    const err = await errorOf(create("contract.steps", { n: "ten" }));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toMatch(/^task\.params\.n: /);
    const unknown = await app.json("CreateTask", { task: { type: "contract.steps", queue, params: { bogus: 1 } } }, { token });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: "invalid_argument", message: expect.stringMatching(/^task\.params\.bogus: /) });
    const missing = await app.json("CreateTask", { task: { type: "contract.fail", queue, params: {} } }, { token });
    expect(missing.body.message).toMatch(/^task\.params\.code: /);
  });

  it("runs a task to COMPLETED with rising progress in GetTask and WatchTask", async () => {
    const task = await create("contract.steps", { n: 8, step_ms: 150 });
    const seen: bigint[] = [];
    let last: Task | undefined;
    for await (const t of tasks.watchTask({ id: task.id })) {
      if (t.progress && (seen.length === 0 || t.progress.current !== seen.at(-1))) seen.push(t.progress.current);
      last = t;
    }
    expect(last?.status).toBe(TaskStatus.COMPLETED);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect([...seen].sort((a, b) => Number(a - b))).toEqual(seen);
    expect(last?.result).toMatchObject({ steps: 8, resumed_from: 0, execution_attempt: 1 });
    expect(last?.progress?.percent).toBe(100);
  });

  it("aborts a running task: CANCELLED, and the handler's cleanup ran", async () => {
    const task = await create("contract.steps", { n: 400, step_ms: 50 });
    await waitFor(() => tasks.getTask({ id: task.id }), (t) => t.progress!.current >= 2n);
    await tasks.cancelTask({ id: task.id, reason: "contract" });
    const done = await settled(task.id, 15_000);
    expect(done.status).toBe(TaskStatus.CANCELLED);
    expect(done.artifacts.map((a) => a.name)).toContain("cleanup");
    expect(done.progress!.current).toBeLessThan(400n);
  });

  it("retries a retryable error automatically, fails a non-retryable one at once, with the handler's code", async () => {
    const [retryable, fatal] = [await create("contract.fail", { code: "FLAKY", retryable: true }), await create("contract.fail", { code: "ASSET_NOT_FOUND", retryable: false })];
    const a = await settled(retryable.id);
    const b = await settled(fatal.id);
    expect(a).toMatchObject({ status: TaskStatus.FAILED, error: { code: "FLAKY", retryable: true, details: { kit } } });
    expect(b).toMatchObject({ status: TaskStatus.FAILED, error: { code: "ASSET_NOT_FOUND", retryable: false } });
    const retries = async (id: string) => (await tasks.listTaskEvents({ id })).events.filter((e) => e.reason === "AUTO_RETRY").length;
    expect(await retries(retryable.id)).toBe(2); // the type's default: 3 tries
    expect(await retries(fatal.id)).toBe(0);
  });

  it("resumes an automatic retry from the checkpoint", async () => {
    const done = await settled((await create("contract.steps", { n: 6, step_ms: 20, crash_at: 3 })).id);
    expect(done.status).toBe(TaskStatus.COMPLETED);
    expect(done.result).toMatchObject({ steps: 6, resumed_from: 3, execution_attempt: 2 });
  });

  it("ends a partial success COMPLETED_WITH_ERRORS with item counts and failures", async () => {
    const done = await settled((await create("contract.partial", { items: 6, fail_every: 3 })).id);
    expect(done).toMatchObject({ status: TaskStatus.COMPLETED_WITH_ERRORS, itemsSucceeded: 4n, itemsFailed: 2n, error: { code: "PARTIAL_FAILURE" } });
    expect(done.itemFailures.map((f) => f.item)).toEqual(["item-3", "item-6"]);
  });

  it("refuses an abort in the commit phase, then completes and publishes its artifact", async () => {
    const task = await create("contract.commit", { commit_ms: 2500 });
    await waitFor(() => tasks.getTask({ id: task.id }), (t) => t.progress!.current >= 3n);
    // The commit phase follows the third step at once; CancelTask answers OK until it began.
    const refusal = await waitFor(
      async () => errorOf(tasks.cancelTask({ id: task.id })).catch(() => undefined),
      (e) => e !== undefined,
      5_000,
      50,
    );
    expect(refusal!.code).toBe(Code.FailedPrecondition);
    const done = await settled(task.id);
    expect(done.status).toBe(TaskStatus.COMPLETED);
    expect(done.artifacts.find((a) => a.name === "report")).toMatchObject({ kind: "report", uri: `memory://report/${task.id}`, metadata: { kit } });
  });

  it("completes a task on a replacement worker after kill -9 of its worker mid-task, from the checkpoint", async () => {
    const task = await create("contract.steps", { n: 40, step_ms: 150 });
    const before = await waitFor(() => tasks.getTask({ id: task.id }), (t) => t.progress!.current >= 5n);
    await worker.stop("SIGKILL");
    worker = start();
    const done = await settled(task.id, 60_000);
    expect(done.status).toBe(TaskStatus.COMPLETED);
    const result = done.result as { resumed_from: number; execution_attempt: number };
    expect(result.execution_attempt).toBe(2);
    // From its last checkpoint: Temporal keeps the latest heartbeat (throttled to 0.5 s, so it may
    // trail the progress Taskyard shows by a few steps), not from the start.
    expect(result.resumed_from).toBeGreaterThan(0);
    expect(result.resumed_from).toBeLessThanOrEqual(Number(before.progress!.current) + 10);
  });

  it("keeps a type listed with 0 workers online when its workers are gone; its tasks wait and run on the next worker", async () => {
    await worker.stop("SIGTERM");
    await waitFor(() => online("contract.steps"), (n) => n === 0, 15_000);
    expect((await listTypes()).map((t) => t.type)).toContain("contract.steps");
    const task = await create("contract.steps", { n: 2, step_ms: 10 });
    await new Promise((r) => setTimeout(r, 2_000));
    const waiting = await tasks.getTask({ id: task.id });
    expect(isTerminal(waiting)).toBe(false);
    expect(waiting.progress!.current).toBe(0n);
    worker = start();
    expect((await settled(task.id)).status).toBe(TaskStatus.COMPLETED);
  });
});
