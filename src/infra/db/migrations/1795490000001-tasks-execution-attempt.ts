import type { MigrationInterface, QueryRunner } from "typeorm";
import { alterTasks } from "./alter-tasks.js";

/** Which automatic (Temporal) try of the current attempt runs: shown on the task. */
export class TasksExecutionAttempt1795490000001 implements MigrationInterface {
  name = "TasksExecutionAttempt1795490000001";

  async up(q: QueryRunner): Promise<void> {
    await alterTasks(q, `ALTER TABLE tasks ADD COLUMN execution_attempt int NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await alterTasks(q, `ALTER TABLE tasks DROP COLUMN execution_attempt`);
  }
}
