/**
 * Two dispatchers (as in two `taskyard serve` replicas) racing over the same queues, each with
 * its own connection pool, against a private database so no other suite's dispatcher joins in:
 * every task is started exactly once (counted at the workflow gateway, in the task history and
 * in Temporal's own list of executions), and a concurrency limit holds across both.
 */
import type { Client as TemporalClient } from "@temporalio/client";
import type { DataSource } from "typeorm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Dispatcher } from "../../src/dispatch/dispatcher.js";
import { createDataSource, migrate } from "../../src/infra/db/data-source.js";
import { createLogger } from "../../src/infra/logger.js";
import { connectClient } from "../../src/infra/temporal/connection.js";
import { createWorkflowGateway } from "../../src/infra/temporal/workflow-gateway.js";
import type { WorkflowGateway } from "../../src/tasks/workflow-gateway.js";
import { startTestApp, uniqueLabel, waitFor, type TestApp } from "../helpers/app.js";
import { queueClient, queueName, sleep, statusCounts, type QueueClient } from "./queue-kit.js";

const database = `taskyard_race_${uniqueLabel()}`;
// Polled by this file's worker (taskyard.<name>); the race queue's task queue is polled by nobody.
const limitQueue = queueName("race-limit");
const logger = createLogger("error");

let admin: DataSource;
let app: TestApp;
let queues: QueueClient;
let temporal: TemporalClient;
let gateway: WorkflowGateway;
const pools: DataSource[] = [];
const dispatchers: Dispatcher[] = [];
const openWorkflows: string[] = [];

function privateUrl(): string {
  const url = new URL(inject("databaseUrl"));
  url.pathname = `/${database}`;
  return url.toString();
}

beforeAll(async () => {
  admin = createDataSource(inject("databaseUrl"), 1);
  await admin.initialize();
  await admin.query(`CREATE DATABASE ${database}`);
  const setup = createDataSource(privateUrl(), 1);
  await setup.initialize();
  await migrate(setup);
  await setup.destroy();

  // Its own workflow task queue too: the other suites' workflow hosts work on the shared database.
  app = await startTestApp({ env: { DATABASE_URL: privateUrl(), TASKYARD_WORKER_QUEUES: limitQueue, TASKYARD_WORKFLOW_TASK_QUEUE: `taskyard.workflows.${uniqueLabel()}` } });
  // Only the dispatchers under test may dispatch (the reconciler would start interrupted dispatches too).
  await app.api.dispatcher.stop();
  await app.api.reconciler.stop();
  queues = queueClient(app);
  temporal = await connectClient(app.config.temporal);
  gateway = createWorkflowGateway(temporal, { searchAttributes: true, workflowTaskQueue: app.config.workflowTaskQueue });
});

afterAll(async () => {
  await Promise.all(dispatchers.map((d) => d.stop()));
  await Promise.all(openWorkflows.map((id) => temporal?.workflow.getHandle(id).terminate("test cleanup").catch(() => undefined)));
  await temporal?.connection.close();
  await Promise.all(pools.map((p) => p.destroy()));
  await app?.stop();
  await admin?.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin?.destroy();
});

/** A replica's dispatcher: its own pool, a gateway that counts the starts it asks for. */
async function replica(starts: Map<string, number>): Promise<Dispatcher> {
  const pool = createDataSource(privateUrl(), 4);
  await pool.initialize();
  pools.push(pool);
  const counting: WorkflowGateway = {
    ...gateway,
    async start(task, taskQueue) {
      starts.set(task.id, (starts.get(task.id) ?? 0) + 1);
      return gateway.start(task, taskQueue);
    },
  };
  const dispatcher = new Dispatcher({ dataSource: pool, workflows: counting, logger, intervalMs: 20 });
  dispatchers.push(dispatcher);
  return dispatcher;
}

async function createTasks(queue: string, project: string, count: number, params: { steps: number; step_ms: number }): Promise<string[]> {
  const res = await app.grpc.batchCreateTasks({ requests: Array.from({ length: count }, () => ({ task: { type: "demo.sleep", queue, project, params } })) });
  return res.tasks.map((t) => t.id);
}

describe("two dispatchers on one database", () => {
  it("start each of 200 tasks exactly once", async () => {
    const name = queueName("race");
    const project = uniqueLabel();
    await queues.createQueue({ queue: { name, temporalTaskQueue: `nobody.${name}` } });
    const ids = await createTasks(name, project, 200, { steps: 1, step_ms: 0 });
    openWorkflows.push(...ids);

    const startsA = new Map<string, number>();
    const startsB = new Map<string, number>();
    const [a, b] = [await replica(startsA), await replica(startsB)];
    const began = Date.now();
    a.start();
    b.start();
    const withRunId = async () => {
      // Dispatched, started in Temporal, and waiting for a worker (nobody serves this queue).
      const [row]: Array<{ n: string }> = await app.dataSource.query(
        `SELECT COUNT(*) AS n FROM tasks WHERE id IN (?) AND status = 'QUEUED' AND status_reason = 'DISPATCHED' AND workflow_run_id IS NOT NULL`,
        [ids],
      );
      return Number(row?.n);
    };
    await waitFor(withRunId, (n) => n === 200, 60_000, 20);
    const elapsedMs = Date.now() - began;
    await Promise.all([a.stop(), b.stop()]);

    // At the gateway: one start per task, summed over both replicas.
    const perTask = ids.map((id) => (startsA.get(id) ?? 0) + (startsB.get(id) ?? 0));
    expect(perTask.filter((n) => n !== 1)).toEqual([]);
    // In the history: exactly one DISPATCHED event per task.
    const events: Array<{ task_id: string; n: string }> = await app.dataSource.query(
      `SELECT task_id, COUNT(*) AS n FROM task_events WHERE reason = 'DISPATCHED' AND task_id IN (?) GROUP BY task_id`,
      [ids],
    );
    expect(events.length).toBe(200);
    expect(events.filter((e) => Number(e.n) !== 1)).toEqual([]);
    // In Temporal: 200 executions, one per task id.
    const executions = await waitFor(
      async () => {
        const found: string[] = [];
        for await (const wf of temporal.workflow.list({ query: `TaskyardProject = "${project}"` })) found.push(wf.workflowId);
        return found;
      },
      (found) => found.length >= 200,
      30_000,
      250,
    );
    expect(executions.length).toBe(200);
    expect(new Set(executions)).toEqual(new Set(ids));
    console.info(
      `race: 200 tasks dispatched in ${elapsedMs} ms by two dispatchers — A started ${startsA.size}, B started ${startsB.size}; ` +
        `gateway starts per task: all 1; DISPATCHED events per task: all 1; Temporal executions: ${executions.length} for ${new Set(executions).size} ids`,
    );
  });

  it("keep a concurrency limit of 3 between them while 21 tasks run and finish", async () => {
    await queues.createQueue({ queue: { name: limitQueue, concurrencyLimit: 3 } });
    const ids = await createTasks(limitQueue, uniqueLabel(), 21, { steps: 2, step_ms: 50 });
    const [a, b] = [await replica(new Map()), await replica(new Map())];
    const samples: number[] = [];
    let done = false;
    const sampler = (async () => {
      while (!done) {
        const [row]: Array<{ n: string }> = await app.dataSource.query(`SELECT COUNT(*) AS n FROM tasks WHERE queue = ? AND status IN ('RUNNING', 'CANCELLING')`, [limitQueue]);
        samples.push(Number(row?.n));
        await sleep(20);
      }
    })();
    a.start();
    b.start();
    await waitFor(() => statusCounts(app, ids), (c) => c.COMPLETED === 21, 60_000);
    done = true;
    await sampler;
    await Promise.all([a.stop(), b.stop()]);
    expect(Math.max(...samples)).toBe(3);
    console.info(`race with limit 3: ${samples.length} samples, max ${Math.max(...samples)} RUNNING`);
  });
});
