/**
 * The workflow host inside `serve` (and `dev`): a Temporal worker on the workflow task queue
 * that runs taskWorkflow and its bookkeeping activity. Every API replica runs one, so workflows
 * progress as long as any replica is up; handlers run in users' workers, elsewhere.
 */
import type { NativeConnection } from "@temporalio/worker";
import type { DataSource } from "typeorm";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { createActivities } from "../activities/activities.js";
import { createWorkerGroup, type WorkerGroup, type WorkflowBundle } from "../infra/temporal/worker.js";
import { TaskLifecycle } from "../tasks/lifecycle.js";
import { TaskRepository } from "../tasks/repository.js";

export async function startWorkflowHost(deps: { config: Config; dataSource: DataSource; connection: NativeConnection; bundle: WorkflowBundle; logger: Logger }): Promise<WorkerGroup> {
  const { config, logger } = deps;
  const group = await createWorkerGroup({
    connection: deps.connection,
    namespace: config.temporal.namespace,
    taskQueues: [config.workflowTaskQueue],
    workflowBundle: deps.bundle,
    activities: createActivities({ lifecycle: new TaskLifecycle(new TaskRepository(deps.dataSource.manager)) }),
    maxConcurrentActivities: 100,
    shutdownGraceMs: config.shutdownGraceMs,
  });
  void group.run();
  logger.info({ taskQueue: config.workflowTaskQueue }, "workflow host polling");
  return group;
}
