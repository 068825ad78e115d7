import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Per-queue dispatch controls: a rate limit with its token bucket state (changed only under the
 * queue row's lock, so it holds across replicas), and fair sharing by a key with the
 * round-robin cursor of each priority band. Existing queues keep dispatching as before (no limit, plain FIFO).
 */
export class QueueDispatchControls1795466000000 implements MigrationInterface {
  name = "QueueDispatchControls1795466000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE queues
        ADD COLUMN rate_per_second double NOT NULL DEFAULT 0,
        ADD COLUMN rate_burst int NOT NULL DEFAULT 0,
        ADD COLUMN rate_tokens double NOT NULL DEFAULT 0,
        ADD COLUMN rate_refill_time datetime(3) NULL,
        ADD COLUMN fairness_key varchar(128) NOT NULL DEFAULT '',
        ADD COLUMN fairness_cursors json NULL
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE queues
        DROP COLUMN rate_per_second, DROP COLUMN rate_burst, DROP COLUMN rate_tokens,
        DROP COLUMN rate_refill_time, DROP COLUMN fairness_key, DROP COLUMN fairness_cursors
    `);
  }
}
