/**
 * The local services Taskyard runs against on a laptop, in tests and in benchmarks: a private
 * MariaDB and a Temporal dev server with Taskyard's search attributes — each only when no
 * existing server is given. One place for `taskyard dev`, the test harness and the benchmarks.
 */
import { SEARCH_ATTRIBUTE_PROJECT, SEARCH_ATTRIBUTE_TASK_ID, SEARCH_ATTRIBUTE_TYPE } from "../../../workflows/definitions.js";
import { findTemporalCli, LocalServiceError } from "./binaries.js";
import { startLocalMariaDb, type LocalMariaDbOptions } from "./mariadb.js";
import { startTemporalDevServer, type TemporalDevServer, type TemporalDevServerOptions } from "./temporal-dev-server.js";

export type LocalTemporalOptions = Omit<TemporalDevServerOptions, "binary" | "searchAttributes">;

/** A Temporal dev server from the `temporal` CLI, with the search attributes Taskyard sets. */
export async function startLocalTemporal(opts: LocalTemporalOptions): Promise<TemporalDevServer> {
  const binary = findTemporalCli();
  if (!binary) {
    throw new LocalServiceError(
      "the temporal CLI was not found: run `node scripts/bootstrap.mjs dev` (installs it into .tools/), set TEMPORAL_CLI_PATH, " +
        "or point TEMPORAL_ADDRESS (tests: TEST_TEMPORAL_ADDRESS, benchmarks: BENCH_TEMPORAL_ADDRESS) at a running server",
    );
  }
  return startTemporalDevServer({ ...opts, binary, searchAttributes: { [SEARCH_ATTRIBUTE_TYPE]: "Keyword", [SEARCH_ATTRIBUTE_PROJECT]: "Keyword", [SEARCH_ATTRIBUTE_TASK_ID]: "Keyword" } });
}

export interface LocalServicesOptions {
  /** An existing database: no MariaDB is started. */
  databaseUrl?: string;
  /** An existing Temporal frontend: no dev server is started. */
  temporalAddress?: string;
  mariadb: Omit<LocalMariaDbOptions, "logger">;
  temporal: Omit<LocalTemporalOptions, "logger">;
  logger?: { info(msg: string): void };
}

export interface LocalServices {
  databaseUrl: string;
  temporalAddress: string;
  /** The dev server's Web UI, when one was started with it. */
  temporalUiUrl?: string;
  /** Stops what was started, Temporal first. */
  stop(): Promise<void>;
}

export async function startLocalServices(opts: LocalServicesOptions): Promise<LocalServices> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch(() => undefined);
  };
  try {
    let databaseUrl = opts.databaseUrl;
    if (!databaseUrl) {
      const db = await startLocalMariaDb({ ...opts.mariadb, logger: opts.logger });
      stops.push(() => db.stop());
      databaseUrl = db.url;
    }
    let temporalAddress = opts.temporalAddress;
    let temporalUiUrl: string | undefined;
    if (!temporalAddress) {
      const server = await startLocalTemporal({ ...opts.temporal, logger: opts.logger });
      stops.push(() => server.stop());
      temporalAddress = server.address;
      temporalUiUrl = server.uiUrl;
    }
    return { databaseUrl, temporalAddress, temporalUiUrl, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
