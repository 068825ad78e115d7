import type { MigrationInterface, QueryRunner } from "typeorm";

/** Status history: one row per status change, read per task in insertion order. */
export class CreateTaskEvents1795420800001 implements MigrationInterface {
  name = "CreateTaskEvents1795420800001";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE task_events (
        id bigint NOT NULL AUTO_INCREMENT,
        tenant varchar(64) NOT NULL,
        task_id char(36) CHARACTER SET ascii NOT NULL,
        time datetime(3) NOT NULL,
        actor varchar(256) NOT NULL,
        from_status varchar(32) NULL,
        to_status varchar(32) NOT NULL,
        reason varchar(64) NOT NULL,
        message text NOT NULL,
        attempt int NOT NULL,
        PRIMARY KEY (id),
        KEY ix_task_events_task (tenant, task_id, id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE task_events`);
  }
}
