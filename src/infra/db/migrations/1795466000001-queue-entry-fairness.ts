import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Each entry carries its task's fairness value; the index lets the dispatcher list a band's
 * values (loose index scan) and read each value's head in position order.
 */
export class QueueEntryFairness1795466000001 implements MigrationInterface {
  name = "QueueEntryFairness1795466000001";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE queue_entries
        ADD COLUMN fairness_value varchar(256) NOT NULL DEFAULT '',
        ADD KEY ix_queue_entries_fair (tenant, queue, priority, fairness_value, position)
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE queue_entries DROP KEY ix_queue_entries_fair, DROP COLUMN fairness_value`);
  }
}
