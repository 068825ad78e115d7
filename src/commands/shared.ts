/** Plumbing shared by the commands: opening the database, signals, fatal start-up errors. */
import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import { createDataSource } from "../infra/db/data-source.js";

export async function openDatabase(url: string | undefined, poolSize: number, logger: Logger): Promise<DataSource> {
  if (!url) throw new StartupError("DATABASE_URL is not set: point it at MySQL 8 / MariaDB 10.11+, e.g. mysql://user:pass@host:3306/taskyard");
  const dataSource = createDataSource(url, poolSize);
  try {
    await dataSource.initialize();
  } catch (err) {
    throw new StartupError(`cannot connect to the database at ${redactUrl(url)}: ${(err as Error).message}`);
  }
  logger.debug({ database: redactUrl(url) }, "database connected");
  return dataSource;
}

export function requireTemporalAddress(address: string | undefined): string {
  if (!address) throw new StartupError("TEMPORAL_ADDRESS is not set: point it at a Temporal frontend, e.g. temporal-frontend:7233");
  return address;
}

/** A start-up problem the operator can fix: printed without a stack trace. */
export class StartupError extends Error {}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}

/** Signals within this long of the first count as the same one (npm/tsx relay Ctrl-C as well). */
const SIGNAL_ECHO_MS = 2000;

/**
 * Calls `stop` on the first SIGINT / SIGTERM and resolves when it is done; a second signal
 * (not an echo of the first) exits at once.
 */
export function untilSignal(stop: () => Promise<void>, logger: Logger): Promise<void> {
  return new Promise((resolve, reject) => {
    let stopping = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping && Date.now() - stopping < SIGNAL_ECHO_MS) return;
      if (stopping) {
        logger.warn({ signal }, "second signal: exiting now");
        process.exit(130);
      }
      stopping = Date.now();
      logger.info({ signal }, "shutting down");
      stop().then(resolve, reject);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}
