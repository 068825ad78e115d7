/**
 * A real Taskyard API for benchmarks, without vitest: a private MariaDB (temporary datadir,
 * removed on stop) or BENCH_DATABASE_URL, a Temporal dev server (in memory) or
 * BENCH_TEMPORAL_ADDRESS, migrations, and `startApi` (API + dispatcher + reconciler) on a free
 * port — but no worker, so nothing executes. Authentication is off and the create rate limit is
 * off (the bench measures the server, not the limiter).
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { DataSource } from "typeorm";
import { DEMO_HANDLERS } from "../../src/commands/worker.js";
import { TaskTypeRepository } from "../../src/task-types/repository.js";
import { specOf } from "../../src/worker/registration.js";
import { startApi } from "../../src/app/api.js";
import { loadConfig } from "../../src/config.js";
import { startLocalTemporal } from "../../src/infra/local/services.js";
import { createLogger } from "../../src/infra/logger.js";
import { connectClient } from "../../src/infra/temporal/connection.js";
import { connectAndMigrate, log, startBenchDatabase } from "./database.js";

export interface BenchServer {
  baseUrl: string;
  dataSource: DataSource;
  stop(): Promise<void>;
}

export async function startBenchServer(opts: { poolSize?: number } = {}): Promise<BenchServer> {
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((err) => log(`stop failed: ${String(err)}`));
  };
  try {
    const tmp = await mkdtemp(path.join(os.tmpdir(), "taskyard-bench-"));
    stops.push(() => rm(tmp, { recursive: true, force: true }));
    const db = await startBenchDatabase({ dataDir: path.join(tmp, "mariadb"), database: "taskyard_bench_create" });
    stops.push(() => db.stop());

    let temporalAddress = process.env.BENCH_TEMPORAL_ADDRESS?.trim();
    if (!temporalAddress) {
      const started = Date.now();
      const server = await startLocalTemporal({ headless: true });
      stops.push(() => server.stop());
      temporalAddress = server.address;
      log(`Temporal dev server on ${server.address} ready in ${Date.now() - started} ms`);
    }

    const poolSize = opts.poolSize ?? 20;
    const dataSource = await connectAndMigrate(db.url, poolSize);
    stops.push(() => dataSource.destroy());
    const config = loadConfig({
      DATABASE_URL: db.url,
      DATABASE_POOL_SIZE: String(poolSize),
      TEMPORAL_ADDRESS: temporalAddress,
      TASKYARD_HOST: "127.0.0.1",
      TASKYARD_PORT: "0",
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "warn",
      TASKYARD_AUTH_MODE: "off",
      // BENCH_CREATE_RATE (tasks/s per tenant, burst the same) measures the cost of the MySQL rate bucket.
      TASKYARD_CREATE_RATE_PER_SECOND: process.env.BENCH_CREATE_RATE ?? "0",
      TASKYARD_CREATE_BURST: process.env.BENCH_CREATE_RATE ?? "1000",
      TASKYARD_SHUTDOWN_GRACE_MS: "2000",
    });
    const logger = createLogger(config.logLevel);
    const client = await connectClient(config.temporal);
    stops.push(() => client.connection.close());
    // The demo types, registered as their worker would (none runs: nothing executes).
    await new TaskTypeRepository(dataSource.manager).register("default", { workerId: "bench", identity: "bench", sdk: "bench", types: DEMO_HANDLERS.map(specOf) }, [], new Date());
    const api = await startApi({ config, dataSource, client, logger });
    stops.push(() => api.stop());
    const baseUrl = `http://127.0.0.1:${api.port}`;
    log(`Taskyard API (no worker) on ${baseUrl}`);
    return { baseUrl, dataSource, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
