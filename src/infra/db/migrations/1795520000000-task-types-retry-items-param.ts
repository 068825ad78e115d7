import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * A type may name the array param that lists the items its tasks process (RegisterWorker's
 * `retry_items_param`), so RetryTask with `failed_items_only` reruns only the failed items.
 * '' = none (every type registered before this).
 */
export class TaskTypesRetryItemsParam1795520000000 implements MigrationInterface {
  name = "TaskTypesRetryItemsParam1795520000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE task_types ADD COLUMN retry_items_param varchar(128) NOT NULL DEFAULT ''`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE task_types DROP COLUMN retry_items_param`);
  }
}
