import type { MigrationInterface, QueryRunner } from "typeorm";
import { alterTasks } from "./alter-tasks.js";

/** The W3C traceparent of the RPC that created (or retried) the task: its dispatch continues that trace. */
export class TasksTraceParent1795531000000 implements MigrationInterface {
  name = "TasksTraceParent1795531000000";

  async up(q: QueryRunner): Promise<void> {
    await alterTasks(q, `ALTER TABLE tasks ADD COLUMN trace_parent varchar(55) NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await alterTasks(q, `ALTER TABLE tasks DROP COLUMN trace_parent`);
  }
}
