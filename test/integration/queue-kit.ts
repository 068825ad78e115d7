/**
 * Helpers shared by the queue and dispatch suites: a QueueService client over real gRPC, Connect
 * JSON posts, queue factories with unique names, and reads of the database state that matters
 * (dispatch order from the DISPATCHED events, start times).
 */
import type { Client } from "@connectrpc/connect";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { QueueService, type QueueSchema } from "../../src/gen/taskyard/v1/queue_service_pb.js";
import { uniqueLabel, type TestApp } from "../helpers/app.js";
export { codeOf, errorOf } from "../helpers/rpc.js";

export type QueueClient = Client<typeof QueueService>;

/** Tasks of queues created with this Temporal task queue run on every test app's worker. */
export const SERVED_TASK_QUEUE = "taskyard.default";

export function queueClient(app: TestApp): QueueClient {
  return app.client(QueueService);
}

/** POSTs Connect JSON to a QueueService method, as curl or a browser does. */
export async function queueJson(app: TestApp, method: string, body: unknown): Promise<{ status: number; body: any }> {
  return app.json(method, body, { service: QueueService.typeName });
}

export function queueName(prefix: string): string {
  return `${prefix}-${uniqueLabel()}`;
}

/** Creates a queue with a unique name whose tasks the test app's worker runs (unless overridden). */
export async function makeQueue(queues: QueueClient, prefix: string, init: Omit<MessageInitShape<typeof QueueSchema>, "name" | "$typeName"> = {}) {
  return queues.createQueue({ queue: { name: queueName(prefix), temporalTaskQueue: SERVED_TASK_QUEUE, ...init } });
}


/** Task ids in the order they were dispatched (DISPATCHED events are appended in dispatch order). */
export async function dispatchOrder(app: TestApp, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows: Array<{ task_id: string }> = await app.dataSource.query(
    `SELECT task_id FROM task_events WHERE reason = 'DISPATCHED' AND task_id IN (?) ORDER BY id`,
    [ids],
  );
  return rows.map((r) => r.task_id);
}

/** Start times (ms) of tasks that have started, ascending. */
/** When the dispatcher dispatched each of `ids` (its DISPATCHED event), in order; the rate limit governs these. */
export async function dispatchTimes(app: TestApp, ids: readonly string[]): Promise<number[]> {
  const rows: Array<{ time: Date }> = await app.dataSource.query(
    `SELECT time FROM task_events WHERE task_id IN (?) AND reason = 'DISPATCHED' ORDER BY time`,
    [ids],
  );
  return rows.map((r) => r.time.getTime());
}

/** How many of `ids` are in each status. */
export async function statusCounts(app: TestApp, ids: readonly string[]): Promise<Record<string, number>> {
  const rows: Array<{ status: string; n: string }> = await app.dataSource.query(`SELECT status, COUNT(*) AS n FROM tasks WHERE id IN (?) GROUP BY status`, [ids]);
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
