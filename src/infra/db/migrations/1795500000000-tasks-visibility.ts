import type { MigrationInterface, QueryRunner } from "typeorm";
import { alterTasks } from "./alter-tasks.js";

/**
 * PRIVATE (only the tenant) or PUBLIC (every tenant may read). ix_tasks_public serves the public
 * half of `ListTasks(include_public)` newest first.
 */
export class TasksVisibility1795500000000 implements MigrationInterface {
  name = "TasksVisibility1795500000000";

  async up(q: QueryRunner): Promise<void> {
    await alterTasks(
      q,
      `ALTER TABLE tasks ADD COLUMN visibility varchar(16) NOT NULL DEFAULT 'PRIVATE',
         ADD INDEX ix_tasks_public (visibility, create_time, id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await alterTasks(q, `ALTER TABLE tasks DROP INDEX ix_tasks_public, DROP COLUMN visibility`);
  }
}
