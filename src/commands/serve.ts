/** `taskyard serve`: the API (TaskService, QueueService, WorkerService, health, reflection) + dispatcher + reconciler + workflow host. */
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { startApi } from "../app/api.js";
import { startWorkflowHost } from "../app/workflow-host.js";
import { migrate } from "../infra/db/data-source.js";
import { connectClient, connectWorker } from "../infra/temporal/connection.js";
import { loadWorkflowBundle } from "../infra/temporal/worker.js";
import { startTracing } from "../infra/tracing.js";
import { openDatabase, requireTemporalAddress, untilSignal } from "./shared.js";

export async function runServe(config: Config, logger: Logger): Promise<void> {
  requireTemporalAddress(config.temporal.address);
  // Before the database opens: the mysql2 instrumentation patches the driver as TypeORM loads it.
  const tracing = await startTracing(config.tracing, "taskyard-serve", logger);
  const dataSource = await openDatabase(config.databaseUrl, config.databasePoolSize, logger);
  if (config.migrateOnStart) await migrate(dataSource);
  const client = await connectClient(config.temporal);
  // The workflow host first: once the API answers health SERVING (and SIGTERM drains, below),
  // everything this replica runs is up.
  const connection = await connectWorker(config.temporal, logger);
  const host = await startWorkflowHost({ config, dataSource, connection, bundle: await loadWorkflowBundle(config.worker.workflowBundlePath), logger });
  const api = await startApi({ config, dataSource, client, logger });
  await untilSignal(async () => {
    await api.stop();
    await host.shutdown();
    await connection.close();
    await client.connection.close();
    await dataSource.destroy();
    await tracing?.shutdown(); // last: flushes the spans of the shutdown too
  }, logger);
}
