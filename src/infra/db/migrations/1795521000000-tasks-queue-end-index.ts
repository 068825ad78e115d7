import type { MigrationInterface, QueryRunner } from "typeorm";
import { alterTasks } from "./alter-tasks.js";

/**
 * GetQueueStats' history counts the tasks of a queue that finished in each of the last 60
 * minutes: without this index that read walks every finished task the queue ever had.
 */
export class TasksQueueEndIndex1795521000000 implements MigrationInterface {
  name = "TasksQueueEndIndex1795521000000";

  async up(q: QueryRunner): Promise<void> {
    await alterTasks(q, `ALTER TABLE tasks ADD KEY ix_tasks_queue_ended (tenant, queue, end_time)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await alterTasks(q, `ALTER TABLE tasks DROP KEY ix_tasks_queue_ended`);
  }
}
