import type { MigrationInterface, QueryRunner } from "typeorm";

/** Which automatic (Temporal) try of the current attempt runs: shown on the task. */
export class TasksExecutionAttempt1795490000001 implements MigrationInterface {
  name = "TasksExecutionAttempt1795490000001";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tasks ADD COLUMN execution_attempt int NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tasks DROP COLUMN execution_attempt`);
  }
}
