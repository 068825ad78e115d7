/**
 * The API role's observability, in one place (docs/observability.md): the metrics registry with
 * its database-backed gauges, the hooks the dispatcher, reconciler, lifecycle and limits report
 * through, and the two outermost interceptors — the request context (request id, log fields,
 * access line) and the RPC metrics.
 */
import type { Interceptor } from "@connectrpc/connect";
import type { Logger } from "pino";
import { Gauge } from "prom-client";
import type { DataSource } from "typeorm";
import type { Config } from "../config.js";
import type { RepairKind } from "../dispatch/queue-repairs.js";
import { registerDbGauges } from "../infra/db-gauges.js";
import { createMetrics, type Metrics } from "../infra/metrics.js";
import { GaugeRepository } from "../queues/gauge-repository.js";
import type { RejectionReason } from "../rpc/limits.js";
import { metricsInterceptor } from "../rpc/metrics-interceptor.js";
import { requestContextInterceptor } from "../rpc/request-context.js";
import type { LifecycleHooks } from "../tasks/lifecycle.js";

export interface ApiMetricsDeps {
  config: Config;
  dataSource: DataSource;
  logger: Logger;
  /** Whether the database answers (no gauge read is tried while it does not). */
  databaseAvailable: () => boolean;
}

export function createApiMetrics({ config, dataSource, logger, databaseAvailable }: ApiMetricsDeps) {
  const metrics: Metrics = createMetrics();
  registerDbGauges({
    registry: metrics.registry,
    source: new GaugeRepository(dataSource.manager),
    refreshMs: config.metricsDbRefreshMs,
    available: databaseAvailable,
    dataSource,
    logger: logger.child({ component: "metrics" }),
  });
  new Gauge({
    name: "taskyard_health_serving",
    help: "1 while this replica's grpc.health.v1 answers SERVING for \"\" and every API service (the database answers), else 0",
    registers: [metrics.registry],
    collect() {
      this.set(databaseAvailable() ? 1 : 0);
    },
  });
  const lifecycle: LifecycleHooks = {
    onRunStarted: (task) => {
      if (task.queueTime) metrics.enqueueToStart.observe({ queue: task.queue }, Math.max(0, Date.now() - task.queueTime.getTime()) / 1000);
    },
  };
  return {
    metrics,
    /** Outermost first: the request context sees the final code; the metrics see the mapped one. */
    interceptors: [requestContextInterceptor({ logger, accessLevel: config.accessLogLevel }), metricsInterceptor(metrics)] as Interceptor[],
    dispatcher: { onDispatched: (n: number) => metrics.tasksDispatched.inc(n), onStartFailed: () => metrics.dispatchFailures.inc() },
    onRepaired: (kind: RepairKind) => metrics.reconcilerRepairs.inc({ kind }),
    onRejected: (reason: RejectionReason) => metrics.rateLimited.inc({ reason }),
    lifecycle,
  };
}
