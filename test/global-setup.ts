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
import { startLocalServices } from "../src/infra/local/services.js";
import { createDataSource, migrate } from "../src/infra/db/data-source.js";
import { loadWorkflowBundle } from "../src/infra/temporal/worker.js";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    temporalAddress: string;
    workflowBundlePath: string;
  }
}

export default async function setup(project: TestProject) {
  const tmp = await mkdtemp(path.join(os.tmpdir(), "taskyard-test-"));
  // Start-up chatter only with TEST_VERBOSE; a retried start always shows (it explains a slow start).
  const log = { info: (msg: string) => (process.env.TEST_VERBOSE || /retrying/.test(msg)) && console.log(msg) };
  const services = await startLocalServices({
    databaseUrl: process.env.TEST_DATABASE_URL,
    temporalAddress: process.env.TEST_TEMPORAL_ADDRESS,
    mariadb: { dataDir: path.join(tmp, "mariadb"), database: "taskyard_test" },
    temporal: { headless: true },
    logger: log,
  }).catch(async (err: unknown) => {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  });
  try {
    const { databaseUrl, temporalAddress } = services;

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
    await services.stop();
    throw err;
  }

  return async () => {
    await services.stop();
    await rm(tmp, { recursive: true, force: true });
  };
}
