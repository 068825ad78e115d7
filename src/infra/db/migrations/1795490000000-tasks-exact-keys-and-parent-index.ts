import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Idempotency and dedupe keys compare exactly (binary collation): `Req-1`, `req-1` and `Req-1 `
 * are different requests. And an index for children of a task (ListTasks parent_id, DeleteTask
 * detaching children).
 */
export class TasksExactKeysAndParentIndex1795490000000 implements MigrationInterface {
  name = "TasksExactKeysAndParentIndex1795490000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tasks
        MODIFY request_id varchar(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
        MODIFY dedupe_key varchar(256) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
        MODIFY dedupe_live varchar(256) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
        ADD KEY ix_tasks_parent (tenant, parent_id)
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tasks
        DROP KEY ix_tasks_parent,
        MODIFY request_id varchar(128) NULL,
        MODIFY dedupe_key varchar(256) NULL,
        MODIFY dedupe_live varchar(256) NULL
    `);
  }
}
