/**
 * Restarts under load, on a stack of its own (a private MariaDB and a Temporal dev server with
 * its db file, so the other suites are untouched): MariaDB stopped and started again while
 * clients keep creating tasks (retrying with the same request_id), then the same for the
 * Temporal dev server. After each: every accepted task completes, none lost, none started
 * twice, one row per request_id. Sizes as in faults.test.ts (TASKYARD_FAULT_TASKS).
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Client, Connection } from "@temporalio/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDataSource, migrate } from "../../src/infra/db/data-source.js";
import { startLocalMariaDb, type LocalMariaDb } from "../../src/infra/local/mariadb.js";
import { startLocalTemporal } from "../../src/infra/local/services.js";
import type { TemporalDevServer } from "../../src/infra/local/temporal-dev-server.js";
import { startTestApp, uniqueLabel, type TestApp } from "../helpers/app.js";
import { expectClean, settle } from "../helpers/fault-kit.js";
import { freePort } from "../helpers/processes.js";

const TASKS = Number(process.env.TASKYARD_FAULT_TASKS ?? 20);
const DOWN_MS = 3_000;

let tmp: string;
let db: LocalMariaDb;
let temporalServer: TemporalDevServer;
let temporal: Client;
let app: TestApp;
const mariadbOptions = () => ({ dataDir: path.join(tmp, "mariadb"), port: db?.port, database: "taskyard_faults" });
let temporalOptions: { port: number; headless: true; dbFilename: string };

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "taskyard-faults-"));
  db = await startLocalMariaDb(mariadbOptions());
  temporalOptions = { port: await freePort(), headless: true, dbFilename: path.join(tmp, "temporal.db") };
  temporalServer = await startLocalTemporal(temporalOptions);
  const setup = createDataSource(db.url, 1);
  await setup.initialize();
  await migrate(setup);
  await setup.destroy();
  app = await startTestApp({ env: { DATABASE_URL: db.url, TEMPORAL_ADDRESS: temporalServer.address } });
  temporal = new Client({ connection: await Connection.connect({ address: temporalServer.address }) });
}, 180_000);
afterAll(async () => {
  await temporal?.connection.close();
  await app?.stop();
  await temporalServer?.stop();
  await db?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Creates TASKS tasks over ~3 s from 4 clients, each retrying with its request_id until accepted; answers ids and request ids. */
async function load(): Promise<{ ids: string[]; requestIds: string[] }> {
  const requestIds = Array.from({ length: TASKS }, (_, i) => `restart-${uniqueLabel()}-${i}`);
  const ids: string[] = [];
  const client = async (lane: number) => {
    for (let i = lane; i < TASKS; i += 4) {
      await sleep(3_000 / (TASKS / 4));
      const req = { task: { type: "demo.sleep", params: { steps: 5, step_ms: 100 }, timeouts: { heartbeat: { seconds: 3n, nanos: 0 } } }, requestId: requestIds[i]! };
      for (let tries = 0; ; tries++) {
        try {
          ids.push((await app.grpc.createTask(req, { timeoutMs: 5_000 })).id);
          break;
        } catch (err) {
          if (tries > 60) throw err;
          await sleep(500);
        }
      }
    }
  };
  await Promise.all([0, 1, 2, 3].map(client));
  return { ids, requestIds };
}

async function oneRowEach(requestIds: string[]): Promise<void> {
  const rows: Array<{ n: string }> = await app.dataSource.query(`SELECT COUNT(*) AS n FROM tasks WHERE request_id IN (?) GROUP BY request_id`, [requestIds]);
  expect(rows.map((r) => Number(r.n))).toEqual(requestIds.map(() => 1));
}

describe(`restarts under load, ${TASKS} tasks each`, { timeout: 180_000 }, () => {
  it("MariaDB stopped and started again", async () => {
    const created = load();
    await sleep(1_000);
    await db.stop();
    await sleep(DOWN_MS);
    db = await startLocalMariaDb(mariadbOptions());
    const { ids, requestIds } = await created;
    await oneRowEach(requestIds);
    expectClean(await settle(app, temporal, "MariaDB restart under load", ids, 90_000));
  });

  it("the Temporal dev server stopped and started again with its db file", async () => {
    const created = load();
    await sleep(1_000);
    await temporalServer.stop();
    await sleep(DOWN_MS);
    temporalServer = await startLocalTemporal(temporalOptions);
    const { ids, requestIds } = await created;
    await oneRowEach(requestIds);
    expectClean(await settle(app, temporal, "Temporal restart under load", ids, 120_000));
  });
});
