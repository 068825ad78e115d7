import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Token buckets shared by every API replica (per-tenant task creation rate): one row per tenant
 * and bucket name, changed by one atomic statement per request (limits/rate-bucket-repository.ts).
 */
export class CreateRateBuckets1795500000001 implements MigrationInterface {
  name = "CreateRateBuckets1795500000001";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rate_buckets (
        tenant varchar(64) NOT NULL,
        name varchar(32) CHARACTER SET ascii NOT NULL,
        tokens double NOT NULL,
        refill_time datetime(3) NOT NULL,
        taken boolean NOT NULL,
        PRIMARY KEY (tenant, name)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rate_buckets`);
  }
}
