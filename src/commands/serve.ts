/** `taskyard serve`: the API (TaskService, QueueService, health, reflection) + dispatcher + reconciler. */
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { createDefaultRegistry } from "../activities/handlers/registry.js";
import { startApi } from "../app/api.js";
import { migrate } from "../infra/db/data-source.js";
import { connectClient } from "../infra/temporal/connection.js";
import { openDatabase, requireTemporalAddress, untilSignal } from "./shared.js";

export async function runServe(config: Config, logger: Logger): Promise<void> {
  requireTemporalAddress(config.temporal.address);
  const dataSource = await openDatabase(config.databaseUrl, config.databasePoolSize, logger);
  if (config.migrateOnStart) await migrate(dataSource);
  const client = await connectClient(config.temporal);
  const api = await startApi({ config, dataSource, client, registry: createDefaultRegistry(), logger });
  await untilSignal(async () => {
    await api.stop();
    await client.connection.close();
    await dataSource.destroy();
  }, logger);
}
