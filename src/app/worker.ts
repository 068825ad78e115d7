/**
 * Composition of the worker role (`taskyard worker`): handler activities over the task
 * lifecycle, one Temporal worker per served queue.
 */
import type { NativeConnection } from "@temporalio/worker";
import type { DataSource } from "typeorm";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { createActivities } from "../activities/activities.js";
import type { HandlerRegistry } from "../activities/handlers/registry.js";
import { createWorkerGroup, type WorkerGroup, type WorkflowBundle } from "../infra/temporal/worker.js";
import { QueueRepository } from "../queues/repository.js";
import { defaultTemporalTaskQueue } from "../queues/types.js";
import { TaskLifecycle } from "../tasks/lifecycle.js";
import { TaskRepository } from "../tasks/repository.js";

export interface WorkerDeps {
  config: Config;
  dataSource: DataSource;
  connection: NativeConnection;
  registry: HandlerRegistry;
  bundle: WorkflowBundle;
  logger: Logger;
  /** Taskyard queue names to serve (default: config.worker.queues). */
  queues?: readonly string[];
  /** Tenant whose queue definitions map names to Temporal task queues. */
  tenant?: string;
}

/** Temporal task queues of the given Taskyard queues (a queue not defined yet gets the default name). */
export async function resolveTaskQueues(dataSource: DataSource, tenant: string, queues: readonly string[]): Promise<string[]> {
  const repo = new QueueRepository(dataSource.manager);
  const resolved = await Promise.all(queues.map(async (name) => (await repo.get(tenant, name))?.temporalTaskQueue ?? defaultTemporalTaskQueue(name)));
  return [...new Set(resolved)];
}

export async function startWorker(deps: WorkerDeps): Promise<WorkerGroup> {
  const { config, dataSource, logger } = deps;
  const queues = deps.queues ?? config.worker.queues;
  const taskQueues = await resolveTaskQueues(dataSource, deps.tenant ?? "default", queues);
  const activities = createActivities({
    lifecycle: new TaskLifecycle(new TaskRepository(dataSource.manager)),
    registry: deps.registry,
    logger: logger.child({ component: "handler" }),
    progressIntervalMs: config.progressIntervalMs,
  });
  const group = await createWorkerGroup({
    connection: deps.connection,
    namespace: config.temporal.namespace,
    taskQueues,
    activities,
    bundle: deps.bundle,
    maxConcurrentActivities: config.worker.concurrency,
    shutdownGraceMs: config.shutdownGraceMs,
    logger,
  });
  logger.info({ queues, taskQueues, types: [...deps.registry.types()] }, "worker polling");
  return group;
}
