/**
 * `taskyard dev`: everything in one process for a laptop. Starts a private MariaDB (when
 * DATABASE_URL is unset) and a Temporal dev server with its Web UI (when TEMPORAL_ADDRESS is
 * unset), both keeping their data under TASKYARD_DATA_DIR; applies migrations; serves the API
 * with its workflow host, and runs a worker (the TypeScript kit, through the API like any user's)
 * with the built-in demo handlers. Ctrl-C stops all of it.
 * Authentication is off unless TASKYARD_AUTH_MODE=on, and the banner says so loudly.
 */
import path from "node:path";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { startApi } from "../app/api.js";
import { startWorkflowHost } from "../app/workflow-host.js";
import { migrate } from "../infra/db/data-source.js";
import { devCorsOrigins } from "../rpc/cors.js";
import { startLocalServices } from "../infra/local/services.js";
import { connectClient, connectWorker } from "../infra/temporal/connection.js";
import { loadWorkflowBundle } from "../infra/temporal/worker.js";
import { startTracing } from "../infra/tracing.js";
import { runWorker } from "../worker/run.js";
import { openDatabase, redactUrl, untilSignal } from "./shared.js";
import { DEMO_HANDLERS, servedQueues } from "./worker.js";

/** Fixed dev ports, so URLs stay the same between runs. */
const DEV_MARIADB_PORT = 3307;
const DEV_TEMPORAL_PORT = 7233;
const DEV_TEMPORAL_UI_PORT = 8233;

/** The console `dev` serves, as a browser on this machine reaches it; undefined on a random port (not known yet). */
export function devConsoleUrl(host: string, port: number): string | undefined {
  if (port === 0) return undefined;
  const shown = ["0.0.0.0", "::", "127.0.0.1", "::1"].includes(host) ? "localhost" : host.includes(":") ? `[${host}]` : host;
  return `http://${shown}:${port}/console`;
}

export async function runDev(base: Config, logger: Logger): Promise<void> {
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((err) => logger.warn({ err }, "stop failed"));
  };
  try {
    const dataDir = path.resolve(base.dataDir);
    const info = { info: (msg: string) => logger.info(msg) };

    const services = await startLocalServices({
      databaseUrl: base.databaseUrl,
      temporalAddress: base.temporal.address,
      mariadb: { dataDir: path.join(dataDir, "mariadb"), port: DEV_MARIADB_PORT, database: "taskyard" },
      temporal: { port: DEV_TEMPORAL_PORT, uiPort: DEV_TEMPORAL_UI_PORT, dbFilename: path.join(dataDir, "temporal.db"), namespace: base.temporal.namespace },
      logger: info,
    });
    stops.push(() => services.stop());
    const { databaseUrl } = services;
    const temporal = { ...base.temporal, address: services.temporalAddress, uiUrl: base.temporal.uiUrl ?? services.temporalUiUrl };
    const auth = { ...base.auth, mode: base.auth.mode ?? "off" };
    // With authentication off, listen on loopback only unless told otherwise.
    const host = base.host ?? (auth.mode === "off" ? "127.0.0.1" : "0.0.0.0");
    // Browser pages on other loopback origins (a Vite app on :5173) may call an open dev server.
    const corsOrigins = devCorsOrigins(base.corsOrigins, auth.mode);
    // Temporal's UI links each workflow back to the console this process serves, unless told where it lives.
    const consoleUrl = base.consoleUrl ?? devConsoleUrl(host, base.port);
    const config: Config = { ...base, host, databaseUrl, temporal, auth, corsOrigins, consoleUrl };

    // Before the database opens: the mysql2 instrumentation patches the driver as TypeORM loads it.
    const tracing = await startTracing(config.tracing, "taskyard-serve", logger);
    if (tracing) stops.push(() => tracing.shutdown()); // stopped last: flushes everything else's spans
    const dataSource = await openDatabase(databaseUrl, config.databasePoolSize, logger);
    stops.push(() => dataSource.destroy());
    const applied = await migrate(dataSource);
    if (applied.length) logger.info({ applied }, "migrations applied");

    const client = await connectClient(temporal);
    stops.push(() => client.connection.close());
    const api = await startApi({ config, dataSource, client, logger });
    stops.push(() => api.stop());

    const connection = await connectWorker(temporal, logger);
    stops.push(() => connection.close());
    const workflowHost = await startWorkflowHost({ config, dataSource, connection, bundle: await loadWorkflowBundle(config.worker.workflowBundlePath), logger });
    stops.push(() => workflowHost.shutdown());
    const worker = await runWorker({
      handlers: DEMO_HANDLERS,
      // Every queue, including those created while dev runs (TASKYARD_WORKER_QUEUES narrows it).
      queues: base.worker.queuesSet ? servedQueues(config.worker.queues) : "all",
      url: `http://127.0.0.1:${api.port}`,
      token: config.worker.token,
      temporal: connection,
      concurrency: config.worker.concurrency,
      shutdownGraceMs: config.shutdownGraceMs,
      logger,
    });
    stops.push(() => worker.stop());

    const shownHost = host === "0.0.0.0" ? "localhost" : host;
    process.stdout.write(
      [
        "",
        "Taskyard dev is up:",
        `  API (gRPC, gRPC-Web, Connect)  http://${shownHost}:${api.port}`,
        `  Web console                    http://${shownHost}:${api.port}/console/`,
        `  Temporal Web UI                ${temporal.uiUrl ?? "(not configured: set TEMPORAL_UI_URL)"}`,
        `  Temporal frontend              ${temporal.address}`,
        `  Database                       ${redactUrl(databaseUrl)}`,
        `  Demo task types                ${DEMO_HANDLERS.map((h) => h.type).join(", ")} (queues: ${base.worker.queuesSet ? config.worker.queues.join(", ") : "every queue, new ones within seconds"})`,
        `  Your own workers               TASKYARD_URL=http://${shownHost}:${api.port} TEMPORAL_ADDRESS=${temporal.address} (docs/workers.md)`,
        auth.mode === "off"
          ? "  Authentication                 OFF: every caller is an admin of tenant \"default\"; browser pages on http://localhost:* may call it"
          : "  Authentication                 on (Bearer JWT or API key: `taskyard apikey create`)",
        "  Ctrl-C stops everything.",
        "",
        ...(auth.mode === "off"
          ? [
              "  !!! AUTHENTICATION IS OFF. Anyone who can reach this port can read, create and delete tasks.",
              "  !!! Fine on a laptop; never expose it. Set TASKYARD_AUTH_MODE=on to require credentials.",
              "",
            ]
          : []),
      ].join("\n") + "\n",
    );
    await Promise.race([worker.done, untilSignal(stopAll, logger)]);
  } catch (err) {
    await stopAll();
    throw err;
  }
}
