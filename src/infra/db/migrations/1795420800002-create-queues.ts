import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Queues and their entries. The entry index matches the dispatcher's claim query
 * (WHERE tenant, queue ORDER BY priority DESC, position) so SKIP LOCKED reads only the head.
 * The `default` queue of the `default` tenant is created here; other tenants get theirs lazily.
 */
export class CreateQueues1795420800002 implements MigrationInterface {
  name = "CreateQueues1795420800002";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE queues (
        tenant varchar(64) NOT NULL,
        name varchar(64) NOT NULL,
        description varchar(1024) NOT NULL DEFAULT '',
        concurrency_limit int NOT NULL DEFAULT 0,
        default_priority int NOT NULL DEFAULT 50,
        paused boolean NOT NULL DEFAULT false,
        temporal_task_queue varchar(128) NOT NULL,
        create_time datetime(3) NOT NULL,
        update_time datetime(3) NOT NULL,
        PRIMARY KEY (tenant, name)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
    `);
    await q.query(`
      CREATE TABLE queue_entries (
        task_id char(36) CHARACTER SET ascii NOT NULL,
        tenant varchar(64) NOT NULL,
        queue varchar(64) NOT NULL,
        priority int NOT NULL,
        position double NOT NULL,
        enqueue_time datetime(3) NOT NULL,
        PRIMARY KEY (task_id),
        KEY ix_queue_entries_order (tenant, queue, priority DESC, position)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
    `);
    await q.query(`
      INSERT INTO queues (tenant, name, description, temporal_task_queue, create_time, update_time)
      VALUES ('default', 'default', 'The default queue', 'taskyard.default', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE queue_entries`);
    await q.query(`DROP TABLE queues`);
  }
}
