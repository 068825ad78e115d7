/**
 * `taskyard worker`: the TypeScript worker kit as a command. Runs the handlers of the modules
 * given by --handlers (or TASKYARD_WORKER_HANDLERS; the built-in demo handlers when neither is
 * set) for the queues given by --queues (or TASKYARD_WORKER_QUEUES; `*` or --all-queues: every
 * queue of the tenant, including queues created later), against Taskyard's API
 * (TASKYARD_URL, TASKYARD_TOKEN) and Temporal — never the database.
 */
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { watchTemporal } from "../infra/temporal/availability.js";
import { connectWorker } from "../infra/temporal/connection.js";
import { createWorkerMetrics } from "../infra/metrics.js";
import { installTemporalRuntime } from "../infra/temporal/worker.js";
import { startWorkerHttp } from "../infra/worker-http.js";
import { loadHandlerModules } from "../worker/load.js";
import { runWorker as startKitWorker } from "../worker/run.js";
import { startTracing } from "../infra/tracing.js";
import { requireTemporalAddress, StartupError, untilSignal } from "./shared.js";

import * as demoHandlers from "../handlers/demo.js";
import { isTaskHandler } from "../worker/handler.js";

/** The built-in demo handlers, a handler module like any other. */
export const DEMO_HANDLERS = Object.values(demoHandlers).filter(isTaskHandler);

/** `--queues` / TASKYARD_WORKER_QUEUES as runWorker takes them: `*` means every queue of the tenant. */
export function servedQueues(queues: readonly string[]): readonly string[] | "all" {
  return queues.includes("*") ? "all" : queues;
}

export async function runWorker(config: Config, logger: Logger, options: { queues?: readonly string[]; handlers?: readonly string[] }): Promise<void> {
  requireTemporalAddress(config.temporal.address);
  if (!config.worker.apiUrl) throw new StartupError("TASKYARD_URL is not set: point it at Taskyard's API, e.g. http://taskyard:8080 (workers talk to the API, never to the database)");
  const modules = options.handlers?.length ? options.handlers : config.worker.handlers;
  const handlers = modules.length === 0 ? DEMO_HANDLERS : await loadHandlerModules(modules).catch((err: Error) => {
    throw new StartupError(err.message);
  });
  const host = config.host ?? "0.0.0.0";
  const metrics = createWorkerMetrics();
  // Before the first connection (the SDK's runtime is configured once per process): Temporal's own
  // exporter serves the SDK metrics on a port of their own, beside our /metrics.
  const sdkMetrics = config.worker.sdkMetricsPort !== undefined ? `${host}:${config.worker.sdkMetricsPort}` : undefined;
  installTemporalRuntime(logger, { prometheusBindAddress: sdkMetrics });
  const tracing = await startTracing(config.tracing, "taskyard-worker", logger);
  const connection = await connectWorker(config.temporal, logger);
  const worker = await startKitWorker({
    handlers,
    queues: servedQueues(options.queues ?? config.worker.queues),
    url: config.worker.apiUrl,
    token: config.worker.token,
    temporal: connection,
    concurrency: config.worker.concurrency,
    shutdownGraceMs: config.shutdownGraceMs,
    logger,
    metrics: metrics.handlers,
  }).catch((err: Error) => {
    throw new StartupError(err.message);
  });
  let state = "running";
  void worker.done.finally(() => (state = "stopped"));
  const temporal = watchTemporal(connection, { intervalMs: 2_000, timeoutMs: 2_000 });
  const problem = () => (state !== "running" ? `worker ${state}` : temporal.available ? undefined : `Temporal at ${config.temporal.address} does not answer`);
  const side = config.worker.metricsPort !== undefined ? await startWorkerHttp(config.worker.metricsPort, host, metrics.registry, problem) : undefined;
  if (sdkMetrics) logger.info({ bindAddress: sdkMetrics }, "Temporal SDK metrics at /metrics");
  await Promise.race([
    worker.done,
    untilSignal(async () => {
      state = "stopping";
      await worker.stop();
    }, logger),
  ]);
  temporal.stop();
  await side?.close();
  await connection.close();
  await tracing?.shutdown(); // flushes the last handlers' spans
}
