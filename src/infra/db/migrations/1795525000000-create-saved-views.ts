import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Saved task views (docs/saved-views.md): a named ListTasks query, personal to its owner or
 * shared with the tenant. `query` is the ListTasksRequest as protobuf JSON (text, parsed by the
 * repository: the same on MySQL 8 and MariaDB).
 *
 * Names are unique per owner among personal views and per tenant among shared ones. `scope` is a
 * stored generated column — '' for a shared view, the owner for a personal one (principals are
 * never empty: the authenticator refuses an empty subject) — so one plain unique index says both
 * and no code path can forget to fill it. `owner` and `scope` compare exactly (binary): principals
 * are case-sensitive; names compare as the table's collation does (case-insensitively).
 */
export class CreateSavedViews1795525000000 implements MigrationInterface {
  name = "CreateSavedViews1795525000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE saved_views (
        id char(36) CHARACTER SET ascii NOT NULL,
        tenant varchar(64) NOT NULL,
        owner varchar(256) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
        name varchar(100) NOT NULL,
        shared boolean NOT NULL,
        query text NOT NULL,
        create_time datetime(3) NOT NULL,
        update_time datetime(3) NOT NULL,
        scope varchar(256) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin GENERATED ALWAYS AS (IF(shared, '', owner)) STORED,
        PRIMARY KEY (id),
        UNIQUE KEY saved_views_name (tenant, scope, name)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE saved_views`);
  }
}
