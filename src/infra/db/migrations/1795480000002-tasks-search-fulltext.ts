import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * ListTasks `search`: a FULLTEXT index over name, comment and the label values (a stored
 * generated column, so it can never disagree with `labels`). The repository narrows with
 * MATCH … AGAINST (word prefixes) and keeps its substring check on the candidates.
 * Stopwords are off for this index (a task named "the end" must be findable by "the").
 * One ALTER (one table rebuild). On a big table this rebuild blocks writes while it runs —
 * ~1 min per million tasks here.
 */
export class TasksSearchFulltext1795480000002 implements MigrationInterface {
  name = "TasksSearchFulltext1795480000002";

  async up(q: QueryRunner): Promise<void> {
    // Read when the index is created and stored with it.
    await q.query(`SET SESSION innodb_ft_enable_stopword = OFF`);
    try {
      await q.query(`
        ALTER TABLE tasks
          ADD COLUMN label_text text CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
            GENERATED ALWAYS AS (JSON_EXTRACT(labels, '$.*')) STORED,
          ADD FULLTEXT KEY ft_tasks_search (name, comment, label_text)
      `);
    } finally {
      await q.query(`SET SESSION innodb_ft_enable_stopword = DEFAULT`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tasks DROP KEY ft_tasks_search, DROP COLUMN label_text`);
  }
}
