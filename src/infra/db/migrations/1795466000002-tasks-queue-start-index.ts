import type { MigrationInterface, QueryRunner } from "typeorm";

/** GetQueueStats reads the tasks a queue dispatched recently (average wait, dispatch rate). */
export class TasksQueueStartIndex1795466000002 implements MigrationInterface {
  name = "TasksQueueStartIndex1795466000002";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tasks ADD KEY ix_tasks_queue_started (tenant, queue, start_time)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tasks DROP KEY ix_tasks_queue_started`);
  }
}
