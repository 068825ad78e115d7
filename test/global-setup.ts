/**
 * Integration-test services, started once per run: a private MariaDB (temp datadir, free port)
 * and a Temporal dev server (in memory, headless, free port) — unless TEST_DATABASE_URL /
 * TEST_TEMPORAL_ADDRESS point at existing ones. Migrations run once; the workflow code is
 * bundled once and shared with every worker the tests start.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { findTemporalCli } from "../src/infra/local/binaries.js";
import { startLocalMariaDb } from "../src/infra/local/mariadb.js";
import { startTemporalDevServer } from "../src/infra/local/temporal-dev-server.js";
import { createDataSource, migrate } from "../src/infra/db/data-source.js";
import { loadWorkflowBundle } from "../src/infra/temporal/worker.js";
import { SEARCH_ATTRIBUTE_PROJECT, SEARCH_ATTRIBUTE_TYPE } from "../workflows/definitions.js";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    temporalAddress: string;
    workflowBundlePath: string;
  }
}

export default async function setup(project: TestProject) {
  const tmp = await mkdtemp(path.join(os.tmpdir(), "taskyard-test-"));
  const stops: Array<() => Promise<void>> = [];
  // Start-up chatter only with TEST_VERBOSE; a retried start always shows (it explains a slow start).
  const log = { info: (msg: string) => (process.env.TEST_VERBOSE || /retrying/.test(msg)) && console.log(msg) };
  try {
    let databaseUrl = process.env.TEST_DATABASE_URL;
    if (!databaseUrl) {
      const db = await startLocalMariaDb({ dataDir: path.join(tmp, "mariadb"), database: "taskyard_test", logger: log });
      stops.push(() => db.stop());
      databaseUrl = db.url;
    }
    let temporalAddress = process.env.TEST_TEMPORAL_ADDRESS;
    if (!temporalAddress) {
      const binary = findTemporalCli();
      if (!binary) throw new Error("temporal CLI not found: run `node scripts/bootstrap.mjs test` or set TEST_TEMPORAL_ADDRESS");
      const server = await startTemporalDevServer({
        binary,
        headless: true,
        searchAttributes: { [SEARCH_ATTRIBUTE_TYPE]: "Keyword", [SEARCH_ATTRIBUTE_PROJECT]: "Keyword" },
        logger: log,
      });
      stops.push(() => server.stop());
      temporalAddress = server.address;
    }

    const dataSource = createDataSource(databaseUrl, 2);
    await dataSource.initialize();
    await migrate(dataSource);
    await dataSource.destroy();

    const workflowBundlePath = path.join(tmp, "workflow-bundle.js");
    await writeFile(workflowBundlePath, (await loadWorkflowBundle(undefined)).code);

    project.provide("databaseUrl", databaseUrl);
    project.provide("temporalAddress", temporalAddress);
    project.provide("workflowBundlePath", workflowBundlePath);
  } catch (err) {
    for (const stop of stops.reverse()) await stop();
    throw err;
  }

  return async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await rm(tmp, { recursive: true, force: true });
  };
}
