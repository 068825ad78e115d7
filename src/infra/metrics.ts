/**
 * Prometheus metrics (prom-client), one registry per role: `createMetrics` for `serve` (RPCs,
 * dispatch, reconciler, limits, plus the database-backed gauges of db-gauges.ts), and
 * `createWorkerMetrics` for `taskyard worker` (handler outcomes; Temporal's SDK metrics are
 * exported by the SDK itself, see commands/worker.ts). docs/observability.md lists them all.
 */
import { readFileSync } from "node:fs";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Seconds from enqueue to a handler start: a busy queue waits minutes, an idle one milliseconds. */
const WAIT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

export function createMetrics() {
  const registry = baseRegistry("serve");
  return {
    registry,
    rpcDuration: new Histogram({
      name: "taskyard_rpc_duration_seconds",
      help: "RPC handling time by procedure and final gRPC code (a stream: its whole life); _count counts calls",
      labelNames: ["procedure", "code"] as const,
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [registry],
    }),
    openStreams: new Gauge({
      name: "taskyard_rpc_open_streams",
      help: "Streaming calls open now on this replica (WatchTask, WatchTasks, health Watch, reflection)",
      labelNames: ["procedure"] as const,
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: "taskyard_rate_limited_total",
      help: "Calls refused with RESOURCE_EXHAUSTED by the per-tenant / per-caller limits, by reason",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    tasksDispatched: new Counter({
      name: "taskyard_tasks_dispatched_total",
      help: "Tasks the dispatcher started (workflow started)",
      registers: [registry],
    }),
    dispatchFailures: new Counter({
      name: "taskyard_dispatch_failures_total",
      help: "Workflow starts that failed; the task went back to its queue (event reason DISPATCH_FAILED)",
      registers: [registry],
    }),
    enqueueToStart: new Histogram({
      name: "taskyard_task_enqueue_to_start_seconds",
      help: "Time from a task's enqueue (queue_time) to its handler's start (StartTaskRun), by queue name",
      labelNames: ["queue"] as const,
      buckets: WAIT_BUCKETS,
      registers: [registry],
    }),
    reconcilerRepairs: new Counter({
      name: "taskyard_reconciler_repairs_total",
      help: "Drift the reconciler repaired, by kind",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** How a handler run ended (worker/activity.ts). */
export type HandlerOutcome = "completed" | "failed" | "error" | "aborted" | "shutdown";

export function createWorkerMetrics() {
  const registry = baseRegistry("worker");
  const runs = new Counter({
    name: "taskyard_worker_handler_runs_total",
    help: "Handler runs that ended, by task type and outcome (completed, failed: TaskError, error: unexpected exception, aborted, shutdown)",
    labelNames: ["type", "outcome"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "taskyard_worker_handler_duration_seconds",
    help: "Handler run time by task type and outcome",
    labelNames: ["type", "outcome"] as const,
    buckets: [0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600, 14400],
    registers: [registry],
  });
  return {
    registry,
    handlers: {
      finished(type: string, outcome: HandlerOutcome, seconds: number): void {
        runs.inc({ type, outcome });
        duration.observe({ type, outcome }, seconds);
      },
    },
  };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

/** Process defaults plus taskyard_build_info. */
function baseRegistry(role: "serve" | "worker"): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: "taskyard_build_info",
    help: "Always 1; the labels say which Taskyard, Node.js and role (serve, worker) run",
    labelNames: ["version", "node_version", "role"] as const,
    registers: [registry],
  }).set({ version: packageVersion(), node_version: process.version, role }, 1);
  return registry;
}

let version: string | undefined;
/** The version in package.json: two levels up from src/infra, three from dist/src/infra. */
function packageVersion(): string {
  if (version !== undefined) return version;
  for (const up of ["../../package.json", "../../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "taskyard" && pkg.version) return (version = pkg.version);
    } catch {
      // not this level
    }
  }
  return (version = "unknown");
}
