/**
 * The metrics an SRE reads, scraped from a real `serve` (in the test process, authentication on)
 * and a real `taskyard worker` process before and after tasks are created, queued, run and
 * refused: RPC counts by code, live tasks by status and queue, queue depth and oldest wait,
 * enqueue → start latency, rate-limit refusals, open streams, build info and the DB pool on the
 * API; handler outcomes by type on the worker's /metrics and Temporal's SDK metrics on its own
 * port. The request id travels over gRPC and Connect JSON. Writes the series that moved to
 * test-results/metrics/moved.txt.
 */
import type { ChildProcess } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, expect, it } from "vitest";
import { TaskStatus } from "../../src/gen/taskyard/v1/task_pb.js";
import { QueueService } from "../../src/gen/taskyard/v1/queue_service_pb.js";
import { TaskService } from "../../src/gen/taskyard/v1/task_service_pb.js";
import { isTerminal, spawnWorkerProcess, startTestApp, uniqueLabel, waitFor, type TestApp } from "../helpers/app.js";
import { createApiKey, startTestIdp, uniqueTenant, type TestIdp } from "../helpers/auth.js";
import { captureOutput, freePort } from "../helpers/processes.js";
import { errorOf } from "../helpers/rpc.js";

let idp: TestIdp;
let app: TestApp;
let worker: ChildProcess;
let workerOutput: () => string;
let workerMetricsUrl: string;
let sdkMetricsUrl: string;
let token: string;
const tenant = uniqueTenant("met");
const queue = `met-${uniqueLabel()}`;

beforeAll(async () => {
  idp = await startTestIdp();
  app = await startTestApp({
    worker: false,
    env: { ...idp.env, TASKYARD_CREATE_RATE_PER_SECOND: "1", TASKYARD_CREATE_BURST: "4", TASKYARD_METRICS_DB_REFRESH_MS: "100" },
  });
  token = await idp.token({ tenant, roles: ["admin"], sub: "sre@example.com" });
  const queues = app.client(QueueService, { token });
  await queues.createQueue({ queue: { name: queue } });
  await queues.pauseQueue({ name: queue });
  const [metricsPort, sdkPort] = [await freePort(), await freePort()];
  workerMetricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  sdkMetricsUrl = `http://127.0.0.1:${sdkPort}/metrics`;
  worker = spawnWorkerProcess(app, [queue], {
    TASKYARD_TOKEN: (await createApiKey(app.dataSource, tenant, "worker")).token,
    TASKYARD_WORKER_METRICS_PORT: String(metricsPort),
    TASKYARD_WORKER_SDK_METRICS_PORT: String(sdkPort),
  });
  workerOutput = captureOutput(worker);
}, 60_000);
afterAll(async () => {
  worker?.kill("SIGTERM");
  await app?.stop();
  await idp?.stop();
});

/** A scrape as series → value; `series(name, labels)` finds one by a subset of its labels. */
async function scrape(url: string) {
  const text = await fetch(url).then((r) => r.text());
  const values = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (m) values.set(`${m[1]}${m[2] ?? ""}`, Number(m[3]));
  }
  const keys = (name: string, labels: Record<string, string>) =>
    [...values.keys()].filter((k) => (k === name || k.startsWith(`${name}{`)) && Object.entries(labels).every(([l, v]) => k.includes(`${l}="${v}"`)));
  return {
    text,
    lines: (name: string, labels: Record<string, string> = {}) => keys(name, labels).map((k) => `${k} ${values.get(k)}`),
    /** The sum over the matching series (0 when none). */
    value: (name: string, labels: Record<string, string> = {}) => keys(name, labels).reduce((sum, k) => sum + values.get(k)!, 0),
    has: (name: string, labels: Record<string, string> = {}) => keys(name, labels).length > 0,
  };
}
const api = () => scrape(`${app.baseUrl}/metrics`);

it("moves the API's and the worker's series as tasks are created, wait, run and are refused", async () => {
  await waitFor(() => fetch(workerMetricsUrl).then((r) => r.ok, () => false), (ok) => ok, 30_000);
  const before = await api();
  const workerBefore = await scrape(workerMetricsUrl);
  const tasks = app.client(TaskService, { token });
  const here = { tenant, queue };

  // Two tasks over gRPC, one over Connect JSON (with the caller's request id), into the paused queue.
  const a = await tasks.createTask({ task: { type: "demo.sleep", queue, params: { steps: 2, step_ms: 20 } } });
  const b = await tasks.createTask({ task: { type: "demo.fail", queue, params: { retryable: false, code: "METRICS_TEST" } } });
  const c = await app.json("CreateTask", { task: { type: "demo.sleep", queue, params: { steps: 1, step_ms: 0 } } }, { token });
  expect(c.status).toBe(200);
  const waiting = await waitFor(api, (m) => m.value("taskyard_tasks_by_status", { ...here, status: "QUEUED" }) === 3 && m.value("taskyard_queue_depth", here) === 3, 10_000);
  expect(waiting.value("taskyard_tasks_by_status", { ...here, status: "RUNNING" })).toBe(0);
  expect(waiting.value("taskyard_queue_oldest_wait_seconds", here)).toBeGreaterThan(0);

  // An open WatchTask shows in the open-streams gauge while it lasts.
  const abort = new AbortController();
  const watch = tasks.watchTask({ id: a.id }, { signal: abort.signal })[Symbol.asyncIterator]();
  await watch.next();
  expect((await api()).value("taskyard_rpc_open_streams", { procedure: "taskyard.v1.TaskService/WatchTask" })).toBe(1);
  abort.abort();
  await watch.next().catch(() => undefined);
  await waitFor(api, (m) => m.value("taskyard_rpc_open_streams", { procedure: "taskyard.v1.TaskService/WatchTask" }) === 0, 5_000);

  await app.client(QueueService, { token }).resumeQueue({ name: queue });
  for (const id of [a.id, b.id, c.body.id as string]) await waitFor(() => tasks.getTask({ id }), isTerminal, 60_000);
  expect((await tasks.getTask({ id: a.id })).status).toBe(TaskStatus.COMPLETED);
  expect((await tasks.getTask({ id: b.id })).status).toBe(TaskStatus.FAILED);

  // A tenant over its creation rate (burst 4, 1/s), and a batch over the burst.
  const flood = app.client(TaskService, { token: await idp.token({ tenant: uniqueTenant("flood"), roles: ["operator"] }) });
  let refused: Code | undefined;
  for (let i = 0; i < 20 && refused === undefined; i++) refused = await flood.createTask({ task: { type: "demo.sleep" }, start: false }).then(() => undefined, (e: unknown) => ConnectError.from(e).code);
  expect(refused).toBe(Code.ResourceExhausted);
  const batch = await errorOf(flood.batchCreateTasks({ requests: Array.from({ length: 5 }, () => ({ task: { type: "demo.sleep" }, start: false })) }));
  expect(batch.code).toBe(Code.ResourceExhausted);

  const after = await waitFor(api, (m) => m.value("taskyard_tasks_by_status", { ...here, status: "QUEUED" }) === 0, 10_000);
  const created = { procedure: "taskyard.v1.TaskService/CreateTask" };
  expect(after.value("taskyard_rpc_duration_seconds_count", { ...created, code: "OK" }) - before.value("taskyard_rpc_duration_seconds_count", { ...created, code: "OK" })).toBeGreaterThanOrEqual(3 + 4);
  expect(after.value("taskyard_rpc_duration_seconds_count", { ...created, code: "RESOURCE_EXHAUSTED" }) - before.value("taskyard_rpc_duration_seconds_count", { ...created, code: "RESOURCE_EXHAUSTED" })).toBe(1);
  expect(after.value("taskyard_rate_limited_total", { reason: "create_rate" }) - before.value("taskyard_rate_limited_total", { reason: "create_rate" })).toBe(1);
  expect(after.value("taskyard_rate_limited_total", { reason: "create_burst" }) - before.value("taskyard_rate_limited_total", { reason: "create_burst" })).toBe(1);
  // Our worker calls this API's StartTaskRun for all three, whichever replica dispatched them.
  expect(after.value("taskyard_task_enqueue_to_start_seconds_count", { queue }) - before.value("taskyard_task_enqueue_to_start_seconds_count", { queue })).toBe(3);
  expect(after.value("taskyard_task_enqueue_to_start_seconds_sum", { queue })).toBeGreaterThan(0);
  expect(after.value("taskyard_tasks_by_status", { ...here, status: "RUNNING" })).toBe(0);
  expect(after.value("taskyard_queue_depth", here)).toBe(0);
  expect(after.value("taskyard_queue_oldest_wait_seconds", here)).toBe(0);
  expect(after.value("taskyard_build_info", { version: "0.1.0", node_version: process.version, role: "serve" })).toBe(1);
  expect(after.value("taskyard_health_serving")).toBe(1);
  expect(after.value("taskyard_db_pool_connections_max")).toBe(5);
  expect(after.has("taskyard_db_pool_connections_in_use")).toBe(true);
  expect(after.has("taskyard_db_pool_waiting_requests")).toBe(true);
  expect(after.has("taskyard_tasks_dispatched_total")).toBe(true);
  expect(after.has("taskyard_dispatch_failures_total")).toBe(true);
  expect(after.value("taskyard_db_gauges_refresh_timestamp_seconds")).toBeGreaterThan(Date.now() / 1000 - 60);

  // The worker: outcomes by type on its own registry (no API series there), and the SDK's.
  const workerAfter = await scrape(workerMetricsUrl);
  const ran = (type: string, outcome: string) => workerAfter.value("taskyard_worker_handler_runs_total", { type, outcome }) - workerBefore.value("taskyard_worker_handler_runs_total", { type, outcome });
  expect(ran("demo.sleep", "completed")).toBe(2);
  expect(ran("demo.fail", "failed")).toBe(1);
  expect(workerAfter.value("taskyard_worker_handler_duration_seconds_count", { type: "demo.sleep", outcome: "completed" })).toBe(2);
  expect(workerAfter.has("taskyard_build_info", { role: "worker" })).toBe(true);
  expect(workerAfter.has("taskyard_rpc_duration_seconds_count")).toBe(false);
  const sdk = await scrape(sdkMetricsUrl);
  const temporal = sdk.text.split("\n").filter((l) => l.startsWith("temporal_"));
  expect(temporal.length, workerOutput()).toBeGreaterThan(0);
  expect(sdk.has("temporal_activity_execution_latency_seconds_count", { activity_type: "demo.sleep" })).toBe(true);

  await mkdir("test-results/metrics", { recursive: true });
  const pick = (m: Awaited<ReturnType<typeof scrape>>, name: string, labels: Record<string, string> = {}) => m.lines(name, labels);
  const report = (label: string, m: Awaited<ReturnType<typeof api>>, w: Awaited<ReturnType<typeof api>>, s?: typeof sdk) =>
    [
      `## ${label}`,
      ...pick(m, "taskyard_rpc_duration_seconds_count", created),
      ...pick(m, "taskyard_rate_limited_total"),
      ...pick(m, "taskyard_tasks_by_status", here),
      ...pick(m, "taskyard_queue_depth", here),
      ...pick(m, "taskyard_queue_oldest_wait_seconds", here),
      ...pick(m, "taskyard_task_enqueue_to_start_seconds_count", { queue }),
      ...pick(m, "taskyard_build_info"),
      ...pick(m, "taskyard_db_pool_connections_in_use"),
      ...pick(m, "taskyard_db_pool_connections_max"),
      "# worker /metrics",
      ...pick(w, "taskyard_worker_handler_runs_total"),
      ...(s ? ["# worker SDK metrics (first lines)", ...s.text.split("\n").filter((l) => l.startsWith("temporal_activity_execution_latency_seconds_count") || l.startsWith("temporal_worker_task_slots_available")).slice(0, 6)] : []),
    ].join("\n");
  const moved = [report("before", before, workerBefore), report("while queued (paused queue)", waiting, workerBefore), report("after", after, workerAfter, sdk)].join("\n\n");
  await writeFile("test-results/metrics/moved.txt", `${moved}\n`);
  // The SDK's metric names, for docs/observability.md.
  const names = [...new Set(temporal.map((l) => /^[a-z_]+/.exec(l)![0].replace(/_(bucket|sum|count)$/, "")))].sort();
  await writeFile("test-results/metrics/worker-sdk-metric-names.txt", `${names.join("\n")}\n`);
}, 120_000);

it("sends the request id back over gRPC and Connect JSON, keeping the caller's", async () => {
  const tasks = app.client(TaskService, { token });
  let grpcId: string | null = null;
  await tasks.listTasks({ pageSize: 1 }, { headers: { "x-request-id": "met-grpc-1" }, onHeader: (h) => (grpcId = h.get("x-request-id")) });
  expect(grpcId).toBe("met-grpc-1");
  let failedId: string | undefined;
  await tasks.getTask({ id: "01a23399-366a-77c0-a305-8fe775b7da96" }, { headers: { "x-request-id": "met-grpc-2" } }).catch((e: { metadata: Headers }) => (failedId = e.metadata.get("x-request-id") ?? undefined));
  expect(failedId).toBe("met-grpc-2");
  const res = await fetch(`${app.baseUrl}/taskyard.v1.TaskService/ListTasks`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "x-request-id": "met-json-1" },
    body: "{}",
  });
  expect(res.status).toBe(200);
  expect(res.headers.get("x-request-id")).toBe("met-json-1");
  const fresh = await fetch(`${app.baseUrl}/taskyard.v1.TaskService/ListTasks`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: "{}" });
  expect(fresh.headers.get("x-request-id")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
});
