/**
 * Composition of the API role (`taskyard serve`): services over repositories, the RPC routes,
 * the one-port server, the dispatcher and the reconciler.
 */
import type { Client } from "@temporalio/client";
import type { DataSource } from "typeorm";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { ApiKeyRepository } from "../auth/api-key-repository.js";
import { ApiKeyService } from "../auth/api-key-service.js";
import { createAuthenticator } from "../auth/authenticator.js";
import { createJwtVerifier } from "../auth/jwt.js";
import { Dispatcher } from "../dispatch/dispatcher.js";
import { QueueRepairs } from "../dispatch/queue-repairs.js";
import { Reconciler } from "../dispatch/reconciler.js";
import { ensureSearchAttributes } from "../infra/temporal/search-attributes.js";
import { temporalUiUrl } from "../infra/temporal/connection.js";
import { createWorkflowGateway } from "../infra/temporal/workflow-gateway.js";
import { QueueRepository } from "../queues/repository.js";
import { QueueService } from "../queues/service.js";
import { WaitExplainer } from "../queues/wait-explainer.js";
import { WaitRepository } from "../queues/wait-repository.js";
import { authInterceptor } from "../rpc/auth-interceptor.js";
import { availabilityInterceptor } from "../rpc/availability-interceptor.js";
import { watchDatabase } from "../infra/db/availability.js";
import { errorInterceptor } from "../rpc/errors.js";
import { createHealthService } from "../rpc/health.js";
import { limitsInterceptor } from "../rpc/limits.js";
import { RateBucketRepository } from "../limits/rate-bucket-repository.js";
import { createRoutes, SERVED_SERVICES } from "../rpc/routes.js";
import { tracingInterceptor } from "../rpc/tracing-interceptor.js";
import { createApiMetrics } from "./api-metrics.js";
import { createConsoleHandler, defaultConsoleDir } from "../rpc/console-assets.js";
import { startApiServer } from "../rpc/server.js";
import { TaskLifecycle } from "../tasks/lifecycle.js";
import { TaskQueryRepository } from "../tasks/query-repository.js";
import { TaskRepository } from "../tasks/repository.js";
import { TaskQueryService } from "../tasks/query-service.js";
import { TaskService } from "../tasks/service.js";
import { TaskTypeCatalog } from "../task-types/catalog.js";
import { TaskTypeRepository } from "../task-types/repository.js";
import { TaskTypeService } from "../task-types/service.js";
import { SavedViewRepository } from "../views/repository.js";
import { SavedViewService } from "../views/service.js";

/** Served services that need no database (the availability interceptor lets them through while it is down). */
const DATABASE_FREE_SERVICES = ["grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"];

export interface ApiDeps {
  config: Config;
  dataSource: DataSource;
  client: Client;
  logger: Logger;
}

export interface RunningApi {
  port: number;
  dispatcher: Dispatcher;
  reconciler: Reconciler;
  stop(): Promise<void>;
}

export async function startApi({ config, dataSource, client, logger }: ApiDeps): Promise<RunningApi> {
  const searchAttributes = await ensureSearchAttributes(client, logger);
  const workflows = createWorkflowGateway(client, { searchAttributes, workflowTaskQueue: config.workflowTaskQueue, consoleUrl: config.consoleUrl });
  const tasks = new TaskRepository(dataSource.manager);
  const database = watchDatabase(config.databaseUrl!, config.databaseProbe);
  const observed = createApiMetrics({ config, dataSource, logger, databaseAvailable: () => database.available });
  const lifecycle = new TaskLifecycle(tasks, observed.lifecycle);
  const dispatcher = new Dispatcher({
    dataSource,
    workflows,
    logger: logger.child({ component: "dispatcher" }),
    intervalMs: config.dispatchIntervalMs,
    ...observed.dispatcher,
  });
  const queues = new QueueRepository(dataSource.manager);
  const typeRepository = new TaskTypeRepository(dataSource.manager);
  const types = new TaskTypeCatalog(typeRepository);
  const taskTypes = new TaskTypeService({ types: typeRepository, queues, catalog: types, ttlMs: config.workerTtlMs });
  const queries = new TaskQueryRepository(dataSource.manager);
  const reads = new TaskQueryService({ tasks, queries });
  const service = new TaskService({
    tasks,
    queries,
    reads,
    queues,
    workflows,
    lifecycle,
    types,
    onEnqueued: () => dispatcher.wake(),
  });
  const queueService = new QueueService({ queues, tasks, watchers: { count: (queue) => taskTypes.workersOn(queue) }, onEnqueued: () => dispatcher.wake() });
  const reconciler = new Reconciler({
    tasks,
    lifecycle,
    workflows,
    logger: logger.child({ component: "reconciler" }),
    intervalMs: config.reconcileIntervalMs,
    staleAfterMs: config.reconcileIntervalMs,
    workersFor: async (task) => {
      const queue = await queues.get(task.tenant, task.queue);
      return queue ? taskTypes.workersForType(queue, task.type) : 0;
    },
    queueRepairs: new QueueRepairs({ tasks, queues, workflows, logger: logger.child({ component: "reconciler" }), onEnqueued: () => dispatcher.wake(), onRepaired: observed.onRepaired }),
    onRepaired: observed.onRepaired,
  });
  const health = createHealthService();
  const apiKeys = new ApiKeyService({
    keys: new ApiKeyRepository(dataSource.manager),
    onBackgroundError: (err) => logger.warn({ err }, "could not record API key use"),
  });
  // Unset means the command's default; `serve` defaults to on (`taskyard dev` passes "off").
  const authMode = config.auth.mode ?? "on";
  const jwtConfigured = Boolean(config.auth.jwksUrl || config.auth.jwksFile);
  const authenticator = createAuthenticator({
    apiKeys,
    jwt: jwtConfigured ? createJwtVerifier(config.auth) : undefined,
    onRejected: (reason) => logger.debug({ reason }, "credential refused"),
  });
  if (authMode === "off") {
    logger.warn("AUTHENTICATION IS OFF: every caller is an admin of tenant \"default\"; never expose this server (set TASKYARD_AUTH_MODE=on)");
  } else {
    logger.info({ jwt: jwtConfigured, issuers: config.auth.issuers }, "authentication on: Bearer JWT or Taskyard API key required");
  }
  // Creation tokens in MySQL: the per-tenant rate holds across all replicas together.
  const rateBuckets = new RateBucketRepository(dataSource.manager);
  const createLimit = { ratePerSecond: config.limits.createRatePerSecond, burst: config.limits.createBurst };
  const createTokens = { take: (tenant: string, cost: number) => rateBuckets.take(tenant, "create", cost, createLimit) };
  const server = await startApiServer({
    routes: createRoutes({
      service,
      reads,
      waits: new WaitExplainer({ tasks, queues, waits: new WaitRepository(dataSource.manager), workersFor: (queue, type) => taskTypes.workersForType(queue, type) }),
      queues: queueService,
      health,
      apiKeys,
      savedViews: new SavedViewService({ views: new SavedViewRepository(dataSource.manager) }),
      temporalUiUrl: (workflowId, runId) => temporalUiUrl(config.temporal, workflowId, runId),
      types,
      taskTypes,
      lifecycle,
      temporalNamespace: config.temporal.namespace,
      progressIntervalMs: config.progressIntervalMs,
    }),
    // Outermost first: request context and metrics see the mapped code; auth errors are mapped; limits know the caller.
    interceptors: [
      // Outermost: the RPC's span covers the others and sees the code the client gets.
      tracingInterceptor(),
      ...observed.interceptors,
      errorInterceptor(logger),
      availabilityInterceptor(database),
      authInterceptor({ mode: authMode, authenticator }),
      limitsInterceptor({ ...config.limits, createTokens, onRejected: observed.onRejected }),
    ],
    host: config.host ?? "0.0.0.0",
    port: config.port,
    corsOrigins: config.corsOrigins,
    console: consoleHandler(config, logger),
    metrics: observed.metrics,
    logger,
  });
  for (const name of SERVED_SERVICES) health.setStatus(name, "SERVING");
  // Health and reflection need no database: they stay SERVING while it is down (until shutdown),
  // so a liveness probe naming one tells a live process from a dead one, not the database's state.
  for (const name of DATABASE_FREE_SERVICES) health.setStatus(name, "SERVING");
  database.onChange((up) => {
    if (up) logger.info("the database answers again: serving");
    else logger.error({ timeoutMs: config.databaseProbe.timeoutMs }, "the database does not answer: RPCs answer UNAVAILABLE and health NOT_SERVING until it does");
    for (const name of ["", ...SERVED_SERVICES]) health.setStatus(name, up ? "SERVING" : "NOT_SERVING");
  });
  dispatcher.start();
  reconciler.start();
  logger.info({ port: server.port }, "API serving gRPC, gRPC-Web and Connect");

  return {
    port: server.port,
    dispatcher,
    reconciler,
    async stop() {
      health.shutdown();
      database.stop();
      await Promise.all([dispatcher.stop(), reconciler.stop()]);
      await server.close(config.shutdownGraceMs);
    },
  };
}

/** The console's files, or undefined (logged) when this installation has no console build. */
function consoleHandler(config: Config, logger: Logger) {
  const dir = config.consoleDir ?? defaultConsoleDir();
  const handler = createConsoleHandler(dir);
  if (!handler) logger.warn({ dir }, "no web console build here (npm run build:console); /console answers 404");
  return handler;
}
