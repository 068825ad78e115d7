/**
 * Composition of the API role (`taskyard serve`): services over repositories, the RPC routes,
 * the one-port server, the dispatcher and the reconciler.
 */
import type { Client } from "@temporalio/client";
import type { DataSource } from "typeorm";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { HandlerRegistry } from "../activities/handlers/registry.js";
import { Dispatcher } from "../dispatch/dispatcher.js";
import { Reconciler } from "../dispatch/reconciler.js";
import { createMetrics } from "../infra/metrics.js";
import { ensureSearchAttributes } from "../infra/temporal/search-attributes.js";
import { temporalUiUrl } from "../infra/temporal/connection.js";
import { createWorkflowGateway } from "../infra/temporal/workflow-gateway.js";
import { QueueRepository } from "../queues/repository.js";
import { errorInterceptor } from "../rpc/errors.js";
import { createHealthService } from "../rpc/health.js";
import { metricsInterceptor } from "../rpc/metrics-interceptor.js";
import { createRoutes, SERVED_SERVICES } from "../rpc/routes.js";
import { startApiServer } from "../rpc/server.js";
import { TaskLifecycle } from "../tasks/lifecycle.js";
import { TaskRepository } from "../tasks/repository.js";
import { TaskService } from "../tasks/service.js";

export interface ApiDeps {
  config: Config;
  dataSource: DataSource;
  client: Client;
  registry: HandlerRegistry;
  logger: Logger;
}

export interface RunningApi {
  port: number;
  dispatcher: Dispatcher;
  reconciler: Reconciler;
  stop(): Promise<void>;
}

export async function startApi({ config, dataSource, client, registry, logger }: ApiDeps): Promise<RunningApi> {
  const searchAttributes = await ensureSearchAttributes(client, logger);
  const workflows = createWorkflowGateway(client, { searchAttributes });
  const tasks = new TaskRepository(dataSource.manager);
  const lifecycle = new TaskLifecycle(tasks);
  const metrics = createMetrics();
  const dispatcher = new Dispatcher({
    dataSource,
    workflows,
    logger: logger.child({ component: "dispatcher" }),
    intervalMs: config.dispatchIntervalMs,
    onDispatched: (n) => metrics.tasksDispatched.inc(n),
  });
  const service = new TaskService({
    tasks,
    queues: new QueueRepository(dataSource.manager),
    workflows,
    lifecycle,
    knownTypes: registry.types(),
    onEnqueued: () => dispatcher.wake(),
  });
  const reconciler = new Reconciler({
    tasks,
    lifecycle,
    workflows,
    logger: logger.child({ component: "reconciler" }),
    intervalMs: config.reconcileIntervalMs,
    staleAfterMs: config.reconcileIntervalMs,
  });
  const health = createHealthService();
  const server = await startApiServer({
    routes: createRoutes({
      service,
      health,
      temporalUiUrl: (workflowId, runId) => temporalUiUrl(config.temporal, workflowId, runId),
    }),
    // Outermost first: metrics see the mapped code.
    interceptors: [metricsInterceptor(metrics), errorInterceptor(logger)],
    host: config.host,
    port: config.port,
    corsOrigins: config.corsOrigins,
    metrics,
    logger,
  });
  for (const name of SERVED_SERVICES) health.setStatus(name, "SERVING");
  dispatcher.start();
  reconciler.start();
  logger.info({ port: server.port }, "API serving gRPC, gRPC-Web and Connect");

  return {
    port: server.port,
    dispatcher,
    reconciler,
    async stop() {
      health.shutdown();
      await Promise.all([dispatcher.stop(), reconciler.stop()]);
      await server.close(config.shutdownGraceMs);
    },
  };
}
