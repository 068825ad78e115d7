import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Taskyard API keys (docs/security.md). `id` is the public part of the token and the lookup key;
 * only the SHA-256 of the secret is stored. Listing is per tenant, newest first.
 */
export class CreateApiKeys1795462000000 implements MigrationInterface {
  name = "CreateApiKeys1795462000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_keys (
        id char(16) CHARACTER SET ascii NOT NULL,
        tenant varchar(64) NOT NULL,
        display_name varchar(256) NOT NULL,
        role varchar(16) NOT NULL,
        secret_hash char(64) CHARACTER SET ascii NOT NULL,
        created_by varchar(256) NOT NULL,
        create_time datetime(3) NOT NULL,
        expire_time datetime(3) NULL,
        revoke_time datetime(3) NULL,
        last_use_time datetime(3) NULL,
        PRIMARY KEY (id),
        KEY ix_api_keys_tenant (tenant, create_time, id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api_keys`);
  }
}
