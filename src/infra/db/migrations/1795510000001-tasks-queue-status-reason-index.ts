import type { MigrationInterface, QueryRunner } from "typeorm";
import { alterTasks } from "./alter-tasks.js";

/**
 * A dispatched task waiting for a worker stays QUEUED with status reason DISPATCHED and holds a
 * slot of its queue: the dispatcher counts those per queue on every pass, so the queue/status
 * index also carries the reason (else a queue with a long backlog reads every QUEUED row).
 */
export class TasksQueueStatusReasonIndex1795510000001 implements MigrationInterface {
  name = "TasksQueueStatusReasonIndex1795510000001";

  async up(q: QueryRunner): Promise<void> {
    await alterTasks(q, `ALTER TABLE tasks DROP KEY ix_tasks_queue_status, ADD KEY ix_tasks_queue_status (tenant, queue, status, status_reason)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await alterTasks(q, `ALTER TABLE tasks DROP KEY ix_tasks_queue_status, ADD KEY ix_tasks_queue_status (tenant, queue, status)`);
  }
}
