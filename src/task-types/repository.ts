/**
 * The task-type registry in MySQL: types (last registration wins) and the workers serving them
 * per queue. Plain portable SQL (MySQL 8 and MariaDB): upserts by primary key, no RETURNING.
 */
import type { EntityManager } from "typeorm";
import { dbCall } from "../infra/db/errors.js";
import { json } from "../tasks/mapping.js";
import type { JsonObject } from "../tasks/types.js";
import type { ServedQueue, TaskType, TaskTypeSpec, WorkerRegistration } from "./types.js";

interface TypeRow {
  type: string;
  description: string;
  params_schema: unknown;
  result_schema: unknown;
  retry_policy: unknown;
  timeouts: unknown;
  retry_items_param: string;
  create_time: Date;
  update_time: Date;
  queues: string | null;
  workers_online: number | string;
  last_seen_time: Date | null;
}

const SELECT_TYPES = `
  SELECT t.type, t.description, t.params_schema, t.result_schema, t.retry_policy, t.timeouts, t.retry_items_param, t.create_time, t.update_time,
         GROUP_CONCAT(DISTINCT w.queue ORDER BY w.queue SEPARATOR ',') AS queues,
         COUNT(DISTINCT CASE WHEN w.last_seen_time >= ? THEN w.worker_id END) AS workers_online,
         MAX(w.last_seen_time) AS last_seen_time
  FROM task_types t LEFT JOIN task_type_workers w ON w.tenant = t.tenant AND w.type = t.type`;

export class TaskTypeRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Records a worker's registration: its types' specs and one row per (type, queue), seen now. */
  async register(tenant: string, reg: Omit<WorkerRegistration, "queues">, queues: readonly ServedQueue[], now: Date): Promise<void> {
    await dbCall(() =>
      this.manager.transaction(async (tx) => {
        for (const t of [...reg.types].sort((a, b) => a.type.localeCompare(b.type))) {
          await tx.query(
            `INSERT INTO task_types (tenant, type, description, params_schema, result_schema, retry_policy, timeouts, retry_items_param, create_time, update_time)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON DUPLICATE KEY UPDATE
               update_time = IF(description <=> VALUES(description) AND params_schema <=> VALUES(params_schema) AND result_schema <=> VALUES(result_schema)
                                AND retry_policy <=> VALUES(retry_policy) AND timeouts <=> VALUES(timeouts) AND retry_items_param <=> VALUES(retry_items_param),
                                update_time, VALUES(update_time)),
               description = VALUES(description), params_schema = VALUES(params_schema), result_schema = VALUES(result_schema),
               retry_policy = VALUES(retry_policy), timeouts = VALUES(timeouts), retry_items_param = VALUES(retry_items_param)`,
            [tenant, t.type, t.description, jsonOrNull(t.paramsSchema), jsonOrNull(t.resultSchema), JSON.stringify(t.retryPolicy), JSON.stringify(t.timeouts), t.retryItemsParam ?? "", now, now],
          );
        }
        await tx.query(`DELETE FROM task_type_workers WHERE tenant = ? AND worker_id = ?`, [tenant, reg.workerId]);
        const rows = reg.types.flatMap((t) => queues.map((q) => [tenant, t.type, q.name, q.temporalTaskQueue, reg.workerId, reg.identity, reg.sdk, now]));
        if (rows.length > 0) {
          await tx.query(
            `INSERT INTO task_type_workers (tenant, type, queue, task_queue, worker_id, identity, sdk, last_seen_time) VALUES ${rows.map(() => "(?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`,
            rows.flat(),
          );
        }
      }),
    );
  }

  async unregister(tenant: string, workerId: string): Promise<void> {
    await dbCall(() => this.manager.query(`DELETE FROM task_type_workers WHERE tenant = ? AND worker_id = ?`, [tenant, workerId]));
  }

  /** Forgets workers not seen since `before` (their types stay registered). */
  async forgetWorkersBefore(tenant: string, before: Date): Promise<void> {
    await dbCall(() => this.manager.query(`DELETE FROM task_type_workers WHERE tenant = ? AND last_seen_time < ?`, [tenant, before]));
  }

  /** The spec of one type, or undefined when no worker ever registered it in `tenant`. */
  async spec(tenant: string, type: string): Promise<TaskTypeSpec | undefined> {
    const rows = (await dbCall(() =>
      this.manager.query(`SELECT type, description, params_schema, result_schema, retry_policy, timeouts, retry_items_param FROM task_types WHERE tenant = ? AND type = ?`, [tenant, type]),
    )) as TypeRow[];
    return rows[0] ? rowToSpec(rows[0]) : undefined;
  }

  /** Types ordered by name, after `after` (keyset), with their workers online since `onlineSince`. */
  async list(tenant: string, onlineSince: Date, limit: number, after: string | undefined): Promise<TaskType[]> {
    const rows = (await dbCall(() =>
      this.manager.query(`${SELECT_TYPES} WHERE t.tenant = ? ${after !== undefined ? "AND t.type > ?" : ""} GROUP BY t.tenant, t.type ORDER BY t.type LIMIT ?`, [
        onlineSince,
        tenant,
        ...(after !== undefined ? [after] : []),
        limit,
      ]),
    )) as TypeRow[];
    return rows.map((r) => ({
      ...rowToSpec(r),
      queues: r.queues ? r.queues.split(",") : [],
      workersOnline: Number(r.workers_online),
      lastSeenTime: r.last_seen_time,
      createTime: r.create_time,
      updateTime: r.update_time,
    }));
  }

  /** Distinct workers seen since `onlineSince` that serve `type` on `temporalTaskQueue`. */
  async workersFor(tenant: string, type: string, temporalTaskQueue: string, onlineSince: Date): Promise<number> {
    const rows = (await dbCall(() =>
      this.manager.query(`SELECT COUNT(DISTINCT worker_id) AS n FROM task_type_workers WHERE tenant = ? AND type = ? AND task_queue = ? AND last_seen_time >= ?`, [tenant, type, temporalTaskQueue, onlineSince]),
    )) as Array<{ n: number | string }>;
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Distinct workers seen since `onlineSince` that poll for `temporalTaskQueue` (a queue's own, or
   * one it shares with other queues: their workers serve it too).
   */
  async workersOnTaskQueue(tenant: string, temporalTaskQueue: string, onlineSince: Date): Promise<number> {
    const rows = (await dbCall(() =>
      this.manager.query(`SELECT COUNT(DISTINCT worker_id) AS n FROM task_type_workers WHERE tenant = ? AND task_queue = ? AND last_seen_time >= ?`, [tenant, temporalTaskQueue, onlineSince]),
    )) as Array<{ n: number | string }>;
    return Number(rows[0]?.n ?? 0);
  }
}

function jsonOrNull(value: JsonObject | undefined): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

function rowToSpec(r: TypeRow): TaskTypeSpec {
  return {
    type: r.type,
    description: r.description,
    paramsSchema: json<JsonObject | undefined>(r.params_schema, undefined),
    resultSchema: json<JsonObject | undefined>(r.result_schema, undefined),
    retryPolicy: json(r.retry_policy, {}),
    timeouts: json(r.timeouts, {}),
    ...(r.retry_items_param ? { retryItemsParam: r.retry_items_param } : {}),
  };
}
