/**
 * The RPC tracing interceptor (rpc/tracing-interceptor.ts) through createRouterTransport, with an
 * in-memory OpenTelemetry SDK: a SERVER span per call continuing the caller's traceparent, active
 * in the handler (so the task it creates keeps it), the code as attribute and status, a stream's
 * span ending with the stream.
 */
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, createRouterTransport, type ConnectRouter, type Interceptor } from "@connectrpc/connect";
import { context, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TaskSchema } from "../../src/gen/taskyard/v1/task_pb.js";
import { TaskService } from "../../src/gen/taskyard/v1/task_service_pb.js";
import { currentTraceParent } from "../../src/infra/trace-context.js";
import { tracingInterceptor } from "../../src/rpc/tracing-interceptor.js";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN = "00f067aa0ba902b7";
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

beforeAll(() => {
  provider.register({ contextManager: new AsyncLocalStorageContextManager(), propagator: new W3CTraceContextPropagator() });
});
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});
beforeEach(() => exporter.reset());

function setup() {
  const seen: { traceParent: string | null; streamSpans: Array<string | undefined> } = { traceParent: null, streamSpans: [] };
  const routes = (router: ConnectRouter) =>
    router.service(TaskService, {
      async getTask(req) {
        await new Promise((r) => setTimeout(r, 2));
        seen.traceParent = currentTraceParent();
        if (req.id === "missing") throw new ConnectError("task missing not found", Code.NotFound);
        if (req.id === "boom") throw new ConnectError("internal error", Code.Internal);
        return create(TaskSchema, { id: req.id });
      },
      async *watchTask(req) {
        for (let i = 0; i < 2; i++) {
          await new Promise((r) => setTimeout(r, 2));
          seen.streamSpans.push(trace.getActiveSpan()?.spanContext().spanId);
          yield create(TaskSchema, { id: req.id });
        }
      },
    });
  // What an instrumented caller sends.
  const traceparent: Interceptor = (next) => (req) => {
    req.header.set("traceparent", `00-${TRACE_ID}-${CALLER_SPAN}-01`);
    return next(req);
  };
  const router = { interceptors: [tracingInterceptor()] };
  return {
    seen,
    client: createClient(TaskService, createRouterTransport(routes, { router })),
    traced: createClient(TaskService, createRouterTransport(routes, { router, transport: { interceptors: [traceparent] } })),
  };
}

describe("tracingInterceptor", () => {
  it("makes a SERVER span named by the procedure that continues the caller's traceparent and is active in the handler", async () => {
    const { seen, traced } = setup();
    await traced.getTask({ id: "t1" });
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe("taskyard.v1.TaskService/GetTask");
    expect(span?.kind).toBe(SpanKind.SERVER);
    expect(span?.spanContext().traceId).toBe(TRACE_ID);
    expect(span?.parentSpanId).toBe(CALLER_SPAN);
    expect(span?.attributes).toMatchObject({ "rpc.system": "connect_rpc", "rpc.service": "taskyard.v1.TaskService", "rpc.method": "GetTask" });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    // What CreateTask stores with the task: the server span, as a W3C traceparent.
    expect(seen.traceParent).toBe(`00-${TRACE_ID}-${span?.spanContext().spanId}-01`);
  });

  it("starts a new trace when the caller sends none", async () => {
    const { client } = setup();
    await client.getTask({ id: "t1" });
    const [span] = exporter.getFinishedSpans();
    expect(span?.spanContext().traceId).not.toBe(TRACE_ID);
    expect(span?.parentSpanId).toBeUndefined();
  });

  it("records the code: a caller's error leaves the status unset, a server error sets ERROR", async () => {
    const { traced } = setup();
    await expect(traced.getTask({ id: "missing" })).rejects.toThrow(/not found/);
    await expect(traced.getTask({ id: "boom" })).rejects.toThrow(/internal/);
    const [missing, boom] = exporter.getFinishedSpans();
    expect(missing?.attributes["rpc.connect_rpc.error_code"]).toBe("not_found");
    expect(missing?.status.code).toBe(SpanStatusCode.UNSET);
    expect(boom?.attributes["rpc.connect_rpc.error_code"]).toBe("internal");
    expect(boom?.status.code).toBe(SpanStatusCode.ERROR);
  });

  it("keeps a stream's span open and active until the stream ends", async () => {
    const { seen, client } = setup();
    const stream = client.watchTask({ id: "t1" });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    expect(exporter.getFinishedSpans()).toEqual([]);
    for (let r = await iterator.next(); !r.done; r = await iterator.next());
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe("taskyard.v1.TaskService/WatchTask");
    expect(seen.streamSpans).toEqual([span?.spanContext().spanId, span?.spanContext().spanId]);
  });
});
