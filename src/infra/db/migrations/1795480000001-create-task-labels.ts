import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * One row per (task, label key): what `labels.<key> = "v"` (AIP-160) and the `labels` map of
 * ListTasks look up through ix_task_labels_value instead of running JSON_EXTRACT on every task.
 * TaskRepository writes it in the same transaction as the task's `labels` column (insert, update,
 * delete) and still re-checks the JSON column, so a result is never wrong even if the two drifted.
 * Collations copy the JSON column's comparisons: keys and values compare binary (case-sensitive,
 * as JSON_EXTRACT's key lookup and the utf8mb4_bin JSON text do).
 */
export class CreateTaskLabels1795480000001 implements MigrationInterface {
  name = "CreateTaskLabels1795480000001";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE task_labels (
        tenant varchar(64) NOT NULL,
        task_id char(36) CHARACTER SET ascii NOT NULL,
        label_key varchar(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        label_value varchar(256) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
        PRIMARY KEY (task_id, label_key),
        KEY ix_task_labels_value (tenant, label_key, label_value, task_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
    `);
    await q.query(TASK_LABELS_BACKFILL);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE task_labels`);
  }
}

/** Fills task_labels from tasks.labels (keys are [A-Za-z0-9_.-]{1,63}, so `$."key"` is a safe path). */
export const TASK_LABELS_BACKFILL = `
  INSERT INTO task_labels (tenant, task_id, label_key, label_value)
  SELECT t.tenant, t.id, k.label_key, JSON_UNQUOTE(JSON_EXTRACT(t.labels, CONCAT('$."', k.label_key, '"')))
    FROM tasks t
    JOIN JSON_TABLE(JSON_KEYS(t.labels), '$[*]' COLUMNS (label_key varchar(63) CHARACTER SET ascii PATH '$')) k
   WHERE JSON_TYPE(JSON_EXTRACT(t.labels, CONCAT('$."', k.label_key, '"'))) = 'STRING'
`;
