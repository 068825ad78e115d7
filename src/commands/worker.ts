/** `taskyard worker`: a Temporal worker for the given Taskyard queues. */
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { createDefaultRegistry } from "../activities/handlers/registry.js";
import { startWorker } from "../app/worker.js";
import { connectWorker } from "../infra/temporal/connection.js";
import { loadWorkflowBundle } from "../infra/temporal/worker.js";
import { createMetrics } from "../infra/metrics.js";
import { startWorkerHttp } from "../infra/worker-http.js";
import { openDatabase, requireTemporalAddress, untilSignal } from "./shared.js";

export async function runWorker(config: Config, logger: Logger, queues: readonly string[] | undefined): Promise<void> {
  requireTemporalAddress(config.temporal.address);
  const dataSource = await openDatabase(config.databaseUrl, config.databasePoolSize, logger);
  const connection = await connectWorker(config.temporal, logger);
  const bundle = await loadWorkflowBundle(config.worker.workflowBundlePath);
  const group = await startWorker({ config, dataSource, connection, registry: createDefaultRegistry(), bundle, logger, queues });
  const running = group.run();
  let state = "running";
  void running.finally(() => (state = "stopped"));
  const side = config.worker.metricsPort !== undefined
    ? await startWorkerHttp(config.worker.metricsPort, config.host ?? "0.0.0.0", createMetrics(), () => state === "running")
    : undefined;
  await Promise.race([
    running,
    untilSignal(async () => {
      state = "stopping";
      await group.shutdown();
    }, logger),
  ]);
  await side?.close();
  await connection.close();
  await dataSource.destroy();
}
