import type { MigrationInterface, QueryRunner } from "typeorm";

/** Which automatic (Temporal) try of the current attempt runs: shown on the task. */
export class TasksExecutionAttempt1795490000001 implements MigrationInterface {
  name = "TasksExecutionAttempt1795490000001";

  async up(q: QueryRunner): Promise<void> {
    // Adding a column rebuilds a table that has a FULLTEXT index, and the rebuilt index takes the
    // session's stopword setting: keep it off, as ft_tasks_search was created (search for "the").
    await q.query(`SET SESSION innodb_ft_enable_stopword = OFF`);
    try {
      await q.query(`ALTER TABLE tasks ADD COLUMN execution_attempt int NOT NULL DEFAULT 0`);
    } finally {
      await q.query(`SET SESSION innodb_ft_enable_stopword = DEFAULT`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`SET SESSION innodb_ft_enable_stopword = OFF`);
    try {
      await q.query(`ALTER TABLE tasks DROP COLUMN execution_attempt`);
    } finally {
      await q.query(`SET SESSION innodb_ft_enable_stopword = DEFAULT`);
    }
  }
}
