/**
 * Traces (docs/tracing.md): one trace from CreateTask through the dispatch into
 * the workflow and the handler's activity, exported over OTLP/HTTP to a receiver in this process.
 * The test app runs the API, the workflow host and a worker here, against a private database,
 * workflow task queue and handler task queue: no other suite's process may dispatch, host or
 * handle this file's task (their spans would not come here). The span names of the trace go to
 * test-results/traces/spans.txt.
 */
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import type { DataSource } from "typeorm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { TaskStatus } from "../../src/gen/taskyard/v1/task_pb.js";
import { QueueService } from "../../src/gen/taskyard/v1/queue_service_pb.js";
import { TaskService } from "../../src/gen/taskyard/v1/task_service_pb.js";
import { createDataSource, migrate } from "../../src/infra/db/data-source.js";
import { startTracing, type Tracing } from "../../src/infra/tracing.js";
import { isTerminal, startTestApp, testEnv, uniqueLabel, waitFor, type TestApp } from "../helpers/app.js";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "../helpers/otlp-receiver.js";

const label = uniqueLabel();
const database = `taskyard_trace_${label}`;
const queue = `trace-${label}`;
const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;

let receiver: OtlpReceiver;
let tracing: Tracing;
let admin: DataSource;
let app: TestApp;

function privateUrl(): string {
  const url = new URL(inject("databaseUrl"));
  url.pathname = `/${database}`;
  return url.toString();
}

/** A W3C traceparent of a caller's span: what an instrumented client sends. */
function callerContext() {
  const traceId = randomBytes(16).toString("hex");
  const spanId = randomBytes(8).toString("hex");
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

/** The spans of `traceId` received so far, flushing this process's exporter first. */
async function spansOf(traceId: string): Promise<ReceivedSpan[]> {
  await tracing.forceFlush();
  return receiver.spans.filter((s) => s.traceId === traceId);
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url };
  // Once per process (the provider is global), before the app opens its database: the mysql2
  // instrumentation patches the driver as TypeORM loads it. startTestApp starts no provider.
  tracing = (await startTracing(loadConfig(testEnv(otel)).tracing, "taskyard-serve"))!;

  admin = createDataSource(inject("databaseUrl"), 1);
  await admin.initialize();
  await admin.query(`CREATE DATABASE ${database}`);
  const setup = createDataSource(privateUrl(), 1);
  await setup.initialize();
  await migrate(setup);
  await setup.destroy();
  app = await startTestApp({
    // A short TTL: the worker re-registers every second and so polls the queue created below soon.
    env: { ...otel, DATABASE_URL: privateUrl(), TASKYARD_WORKER_QUEUES: queue, TASKYARD_WORKFLOW_TASK_QUEUE: `taskyard.workflows.${label}`, TASKYARD_WORKER_TTL_MS: "3000" },
  });
  await app.client(QueueService).createQueue({ queue: { name: queue, temporalTaskQueue: `taskyard.trace.${label}` } });
});

afterAll(async () => {
  await app?.stop();
  await tracing?.shutdown();
  await receiver?.close();
  await admin?.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin?.destroy();
});

describe("tracing", () => {
  it("puts CreateTask, its queries, the dispatch, the workflow and the handler's activity in one trace, continuing the caller's traceparent", async () => {
    const caller = callerContext();
    const traced: Interceptor = (next) => (req) => {
      req.header.set("traceparent", caller.traceparent);
      return next(req);
    };
    const tasks = createClient(TaskService, createGrpcTransport({ baseUrl: app.baseUrl, interceptors: [traced] }));
    const created = await tasks.createTask({ task: { type: "demo.sleep", queue, params: { steps: 2, step_ms: 50 } } });
    const done = await waitFor(() => app.grpc.getTask({ id: created.id }), isTerminal, 60_000);
    expect(TaskStatus[done.status]).toBe("COMPLETED");

    // Workflow spans arrive when the workflow returns, just after the task is COMPLETED.
    const wanted = ["StartWorkflow:taskWorkflow", "RunWorkflow:taskWorkflow", "StartActivity:demo.sleep", "RunActivity:demo.sleep", "RunActivity:finishTask"];
    const spans = await waitFor(() => spansOf(caller.traceId), (s) => wanted.every((name) => s.some((x) => x.name === name)), 30_000, 250);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const one = (name: string) => {
      const found = spans.filter((s) => s.name === name);
      expect(found.map((s) => s.name), name).toEqual([name]);
      return found[0]!;
    };

    // The RPC continues the caller's span, over gRPC.
    const create = one("taskyard.v1.TaskService/CreateTask");
    expect(create).toMatchObject({ kind: SERVER, parentSpanId: caller.spanId, service: "taskyard-serve", status: { code: 0 } });
    expect(create.attributes).toMatchObject({ "rpc.system": "grpc", "rpc.service": "taskyard.v1.TaskService", "rpc.method": "CreateTask", "rpc.grpc.status_code": 0 });
    // Its queries are its descendants (mysql2 instrumentation).
    const queries = spans.filter((s) => s.kind === CLIENT && s.attributes["db.system"] === "mysql" && isUnder(s, create, byId));
    expect(queries.length).toBeGreaterThan(0);
    expect(queries.map((q) => q.attributes["db.statement"])).toEqual(expect.arrayContaining([expect.stringMatching(/^INSERT INTO `tasks`/)]));
    // The dispatcher's pass that CreateTask woke is not part of the call (its claim marks tasks DISPATCHED).
    expect(queries.filter((q) => /status_reason = 'DISPATCHED'/.test(String(q.attributes["db.statement"])))).toEqual([]);
    // The dispatch, later and from the stored traceparent, is the RPC's child.
    const dispatch = one("dispatch demo.sleep");
    expect(dispatch).toMatchObject({ kind: PRODUCER, parentSpanId: create.spanId });
    expect(dispatch.attributes).toMatchObject({ "taskyard.task.id": created.id, "taskyard.task.type": "demo.sleep", "taskyard.queue": queue });
    // Temporal's interceptors carry it into the workflow and on to the handler's activity.
    const start = one("StartWorkflow:taskWorkflow");
    expect(start.parentSpanId).toBe(dispatch.spanId);
    const run = one("RunWorkflow:taskWorkflow");
    expect(run.parentSpanId).toBe(start.spanId);
    const schedule = one("StartActivity:demo.sleep");
    expect(schedule.parentSpanId).toBe(run.spanId);
    const handler = one("RunActivity:demo.sleep");
    expect(handler).toMatchObject({ parentSpanId: schedule.spanId, status: { code: 1 } });
    expect(handler.attributes.temporalWorkflowId).toBe(created.id);
    // The kit's calls to the API from inside the handler are in the trace too.
    const startRun = one("taskyard.v1.WorkerService/StartTaskRun");
    expect(startRun.parentSpanId).toBe(handler.spanId);
    // One trace: every span but the RPC hangs off another span of it.
    expect(spans.filter((s) => s !== create && !byId.has(s.parentSpanId)).map((s) => s.name)).toEqual([]);

    await mkdir("test-results/traces", { recursive: true });
    await writeFile("test-results/traces/spans.txt", `trace ${caller.traceId} (caller span ${caller.spanId})\n${tree(create, spans)}`);
  });

  it("continues a traceparent over Connect JSON and marks a caller's error as the caller's", async () => {
    const caller = callerContext();
    const res = await fetch(`${app.baseUrl}/taskyard.v1.TaskService/GetTask`, {
      method: "POST",
      headers: { "content-type": "application/json", traceparent: caller.traceparent },
      body: JSON.stringify({ id: "01900000-0000-7000-8000-000000000000" }),
    });
    expect(res.status).toBe(404);
    const span = (await waitFor(() => spansOf(caller.traceId), (s) => s.some((x) => x.kind === SERVER), 10_000, 100)).find((s) => s.kind === SERVER);
    expect(span).toMatchObject({ name: "taskyard.v1.TaskService/GetTask", parentSpanId: caller.spanId });
    expect(span!.attributes).toMatchObject({ "rpc.system": "connect_rpc", "rpc.connect_rpc.error_code": "not_found" });
    // NOT_FOUND is the caller's problem, not a server error (OpenTelemetry's RPC conventions).
    expect(span!.status.code).toBe(0);
  });

  it("records a gRPC error code and leaves health checks untraced", async () => {
    const caller = callerContext();
    const traced: Interceptor = (next) => (req) => {
      req.header.set("traceparent", caller.traceparent);
      return next(req);
    };
    const tasks = createClient(TaskService, createGrpcTransport({ baseUrl: app.baseUrl, interceptors: [traced] }));
    await expect(tasks.createTask({ task: { type: "no.such.type" } })).rejects.toThrow();
    const health = await fetch(`${app.baseUrl}/grpc.health.v1.Health/Check`, { method: "POST", headers: { "content-type": "application/json", traceparent: caller.traceparent }, body: "{}" });
    expect(health.status).toBe(200);

    const span = (await waitFor(() => spansOf(caller.traceId), (s) => s.some((x) => x.kind === SERVER), 10_000, 100)).find((s) => s.kind === SERVER);
    expect(span!.name).toBe("taskyard.v1.TaskService/CreateTask");
    expect(span!.attributes["rpc.grpc.status_code"]).toBe(3); // INVALID_ARGUMENT
    expect((await spansOf(caller.traceId)).map((s) => s.name)).not.toContain("grpc.health.v1.Health/Check");
  });
});

function isUnder(span: ReceivedSpan, ancestor: ReceivedSpan, byId: Map<string, ReceivedSpan>): boolean {
  for (let s = byId.get(span.parentSpanId); s; s = byId.get(s.parentSpanId)) if (s === ancestor) return true;
  return false;
}

/** The trace as an indented tree of span names (service, kind), children in start order as received. */
function tree(root: ReceivedSpan, spans: ReceivedSpan[], depth = 0): string {
  const kinds = ["unspecified", "internal", "server", "client", "producer", "consumer"];
  const line = `${"  ".repeat(depth)}${root.name}  [${root.service}, ${kinds[root.kind]}]\n`;
  return line + spans.filter((s) => s.parentSpanId === root.spanId).map((c) => tree(c, spans, depth + 1)).join("");
}
