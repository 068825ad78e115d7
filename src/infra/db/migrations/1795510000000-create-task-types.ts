import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The task-type registry (docs/workers.md): `task_types` holds what the last registration of a
 * type said (description, JSON Schemas, defaults); `task_type_workers` one row per worker, type
 * and queue it serves, refreshed by every RegisterWorker (online = seen within the TTL).
 */
export class CreateTaskTypes1795510000000 implements MigrationInterface {
  name = "CreateTaskTypes1795510000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE task_types (
        tenant varchar(64) NOT NULL,
        type varchar(128) CHARACTER SET ascii NOT NULL,
        description varchar(2000) NOT NULL,
        params_schema json NULL,
        result_schema json NULL,
        retry_policy json NULL,
        timeouts json NULL,
        create_time datetime(3) NOT NULL,
        update_time datetime(3) NOT NULL,
        PRIMARY KEY (tenant, type)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
    `);
    await q.query(`
      CREATE TABLE task_type_workers (
        tenant varchar(64) NOT NULL,
        type varchar(128) CHARACTER SET ascii NOT NULL,
        queue varchar(63) CHARACTER SET ascii NOT NULL,
        task_queue varchar(200) NOT NULL,
        worker_id varchar(128) CHARACTER SET ascii NOT NULL,
        identity varchar(256) NOT NULL,
        sdk varchar(128) NOT NULL,
        last_seen_time datetime(3) NOT NULL,
        PRIMARY KEY (tenant, type, queue, worker_id),
        KEY task_type_workers_worker (tenant, worker_id),
        KEY task_type_workers_task_queue (tenant, task_queue, last_seen_time)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE task_type_workers`);
    await q.query(`DROP TABLE task_types`);
  }
}
