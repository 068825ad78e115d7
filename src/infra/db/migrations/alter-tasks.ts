import type { QueryRunner } from "typeorm";

/**
 * Runs ALTER TABLE statements on `tasks`. Adding or dropping a column rebuilds a table that has a
 * FULLTEXT index, and the rebuilt index takes the session's stopword setting: keep it off, as
 * ft_tasks_search was created, or searches for common words ("the ocean") find nothing.
 */
export async function alterTasks(q: QueryRunner, ...statements: string[]): Promise<void> {
  await q.query(`SET SESSION innodb_ft_enable_stopword = OFF`);
  try {
    for (const sql of statements) await q.query(sql);
  } finally {
    await q.query(`SET SESSION innodb_ft_enable_stopword = DEFAULT`);
  }
}
