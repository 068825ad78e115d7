/** Prometheus metrics (prom-client): process defaults plus RPC and task-lifecycle counters. */
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    rpcDuration: new Histogram({
      name: "taskyard_rpc_duration_seconds",
      help: "RPC handling time by procedure and code",
      labelNames: ["procedure", "code"] as const,
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [registry],
    }),
    tasksDispatched: new Counter({
      name: "taskyard_tasks_dispatched_total",
      help: "Tasks the dispatcher started",
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
