/**
 * The request context of an RPC (rpc/request-context.ts) through createRouterTransport with the
 * real interceptors in the server's order: request id taken or made and sent back, the log fields
 * on lines written deep inside a handler through the shared logger (streams too), internal errors
 * naming the request id, and one access line per call at the configured level.
 */
import { Writable } from "node:stream";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, createRouterTransport, type Interceptor } from "@connectrpc/connect";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { describe, expect, it } from "vitest";
import { TaskSchema } from "../../src/gen/taskyard/v1/task_pb.js";
import { TaskService } from "../../src/gen/taskyard/v1/task_service_pb.js";
import { createLogger } from "../../src/infra/logger.js";
import { callerKey } from "../../src/rpc/caller.js";
import { errorInterceptor } from "../../src/rpc/errors.js";
import { requestContextInterceptor, type AccessLogLevel } from "../../src/rpc/request-context.js";

const TASK_ID = "01a23399-366a-77c0-a305-8fe775b7da96";
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function setup(accessLevel: AccessLogLevel = "info", outer: Interceptor[] = []) {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger("debug", "test", sink);
  // What the auth interceptor does: sets the caller once the credential is checked.
  const auth: Interceptor = (next) => (req) => {
    req.contextValues.set(callerKey, { tenant: "acme", principal: "alice@example.com", roles: ["admin"], method: "jwt" });
    return next(req);
  };
  const later = () => new Promise((r) => setTimeout(r, 5));
  const transport = createRouterTransport(
    (router) =>
      router.service(TaskService, {
        async getTask(req) {
          await later();
          logger.info({ depth: 3 }, "deep inside the handler"); // the shared logger, no child
          if (req.id === "boom") throw new Error("SQL went wrong: SELECT secret");
          return create(TaskSchema, { id: req.id });
        },
        async createTask() {
          return create(TaskSchema, { id: TASK_ID });
        },
        async *watchTask(req) {
          for (let i = 0; i < 2; i++) {
            await later();
            logger.info({ i }, "stream step");
            yield create(TaskSchema, { id: req.id });
          }
        },
      }),
    { router: { interceptors: [...outer, requestContextInterceptor({ logger, accessLevel }), errorInterceptor(logger), auth] } },
  );
  return { lines, client: createClient(TaskService, transport) };
}

const flush = () => new Promise((r) => setImmediate(r));

describe("request context", () => {
  it("keeps the caller's x-request-id, sends it back and puts the call's fields on lines logged deep inside", async () => {
    const { lines, client } = setup();
    let echoed: string | null = null;
    await client.getTask({ id: TASK_ID }, { headers: { "x-request-id": "req-abc.123" }, onHeader: (h) => (echoed = h.get("x-request-id")) });
    await flush();
    expect(echoed).toBe("req-abc.123");
    const deep = lines.find((l) => l.msg === "deep inside the handler");
    expect(deep).toMatchObject({ requestId: "req-abc.123", procedure: "taskyard.v1.TaskService/GetTask", tenant: "acme", principal: "alice@example.com", taskId: TASK_ID, depth: 3 });
    const access = lines.filter((l) => l.msg === "rpc");
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ level: 30, requestId: "req-abc.123", procedure: "taskyard.v1.TaskService/GetTask", code: "OK", tenant: "acme", principal: "alice@example.com", taskId: TASK_ID });
    expect(typeof access[0]!.durationMs).toBe("number");
    expect(access[0]!.durationMs as number).toBeGreaterThanOrEqual(4);
  });

  it("makes a UUIDv7 when the caller sends none or an unusable one", async () => {
    const { lines, client } = setup();
    const ids: Array<string | null> = [];
    await client.getTask({ id: TASK_ID }, { onHeader: (h) => ids.push(h.get("x-request-id")) });
    await client.getTask({ id: TASK_ID }, { headers: { "x-request-id": "has spaces\tand tabs" }, onHeader: (h) => ids.push(h.get("x-request-id")) });
    await client.getTask({ id: TASK_ID }, { headers: { "x-request-id": "x".repeat(129) }, onHeader: (h) => ids.push(h.get("x-request-id")) });
    await flush();
    expect(ids).toHaveLength(3);
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect(new Set(ids).size).toBe(3);
    expect(lines.filter((l) => l.msg === "rpc").map((l) => l.requestId)).toEqual(ids);
  });

  it("names the request id in an INTERNAL answer, its header and the error's log line, and logs the code", async () => {
    const { lines, client } = setup();
    const err = await client.getTask({ id: "boom" }, { headers: { "x-request-id": "req-boom" } }).then(
      () => undefined,
      (e: unknown) => ConnectError.from(e),
    );
    await flush();
    expect(err?.code).toBe(Code.Internal);
    expect(err?.rawMessage).toBe("internal error (request id req-boom)");
    expect(err?.rawMessage).not.toMatch(/SQL/);
    expect(err?.metadata.get("x-request-id")).toBe("req-boom");
    expect(lines.find((l) => l.msg === "unhandled error")).toMatchObject({ requestId: "req-boom", procedure: "taskyard.v1.TaskService/GetTask", tenant: "acme" });
    expect(lines.find((l) => l.msg === "rpc")).toMatchObject({ requestId: "req-boom", code: "INTERNAL", error: "internal error (request id req-boom)" });
  });

  it("names the task a CreateTask made in its access line", async () => {
    const { lines, client } = setup();
    await client.createTask({ task: { type: "demo.sleep" } });
    await flush();
    expect(lines.find((l) => l.msg === "rpc")).toMatchObject({ procedure: "taskyard.v1.TaskService/CreateTask", code: "OK", taskId: TASK_ID });
  });

  it("keeps the fields on lines a stream logs between messages, and logs one access line when it ends", async () => {
    const { lines, client } = setup();
    const got: string[] = [];
    for await (const t of client.watchTask({ id: TASK_ID }, { headers: { "x-request-id": "req-stream" } })) got.push(t.id);
    await flush();
    expect(got).toEqual([TASK_ID, TASK_ID]);
    const steps = lines.filter((l) => l.msg === "stream step");
    expect(steps).toHaveLength(2);
    for (const s of steps) expect(s).toMatchObject({ requestId: "req-stream", procedure: "taskyard.v1.TaskService/WatchTask", tenant: "acme" });
    const access = lines.filter((l) => l.msg === "rpc");
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ requestId: "req-stream", code: "OK" });
    expect(access[0]!.durationMs as number).toBeGreaterThanOrEqual(9);
  });

  it("writes no access line at level silent, and the configured level otherwise", async () => {
    const silent = setup("silent");
    await silent.client.getTask({ id: TASK_ID });
    await flush();
    expect(silent.lines.some((l) => l.msg === "deep inside the handler")).toBe(true);
    expect(silent.lines.some((l) => l.msg === "rpc")).toBe(false);

    const debug = setup("debug");
    await debug.client.getTask({ id: TASK_ID });
    await flush();
    expect(debug.lines.find((l) => l.msg === "rpc")?.level).toBe(20);
  });

  it("names the trace of the call's span when tracing is on", async () => {
    const provider = new NodeTracerProvider();
    provider.register(); // the AsyncLocalStorage context manager, as the tracing setup installs it
    let traceId = "";
    // Stands in for the tracing interceptor, which runs outside the request context.
    const tracing: Interceptor = (next) => (req) =>
      provider.getTracer("test").startActiveSpan("rpc", async (span) => {
        traceId = span.spanContext().traceId;
        try {
          return await next(req);
        } finally {
          span.end();
        }
      });
    const { lines, client } = setup("info", [tracing]);
    await client.getTask({ id: TASK_ID });
    await flush();
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(lines.find((l) => l.msg === "deep inside the handler")).toMatchObject({ traceId });
    expect(lines.find((l) => l.msg === "rpc")).toMatchObject({ traceId });
    await provider.shutdown();
  });

  it("leaves lines logged outside any call without call fields", async () => {
    const { lines, client } = setup();
    await client.getTask({ id: TASK_ID });
    createLogger("info", "other", new Writable({ write: (c: Buffer, _e, d) => (lines.push(JSON.parse(c.toString()) as Record<string, unknown>), d()) })).info("outside");
    await flush();
    expect(lines.find((l) => l.msg === "outside")).not.toHaveProperty("requestId");
  });
});
