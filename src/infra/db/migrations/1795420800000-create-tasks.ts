import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Tasks. Indexes serve the list queries (newest first overall, by status, by project + status,
 * by type; keyset on (create_time, id)), idempotency (request_id) and dedupe (one live task per
 * dedupe key: `dedupe_live` is NULL once terminal, and NULLs don't collide in a unique index).
 */
export class CreateTasks1795420800000 implements MigrationInterface {
  name = "CreateTasks1795420800000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tasks (
        id char(36) CHARACTER SET ascii NOT NULL,
        tenant varchar(64) NOT NULL,
        name varchar(256) NOT NULL,
        type varchar(128) NOT NULL,
        project varchar(128) NOT NULL,
        queue varchar(64) NOT NULL,
        priority int NOT NULL,
        status varchar(32) NOT NULL,
        status_message text NOT NULL,
        status_reason varchar(64) NOT NULL DEFAULT '',
        progress_current bigint NOT NULL DEFAULT 0,
        progress_total bigint NOT NULL DEFAULT 0,
        progress_percent double NOT NULL DEFAULT 0,
        progress_message varchar(512) NOT NULL DEFAULT '',
        params json NOT NULL,
        result json NULL,
        error json NULL,
        items_succeeded bigint NOT NULL DEFAULT 0,
        items_failed bigint NOT NULL DEFAULT 0,
        item_failures json NOT NULL,
        tags json NOT NULL,
        labels json NOT NULL,
        comment text NOT NULL,
        parent_id char(36) CHARACTER SET ascii NULL,
        created_by varchar(256) NOT NULL,
        attempt int NOT NULL DEFAULT 1,
        retry_policy json NOT NULL,
        timeouts json NOT NULL,
        committing boolean NOT NULL DEFAULT false,
        archived boolean NOT NULL DEFAULT false,
        published boolean NOT NULL DEFAULT false,
        request_id varchar(128) NULL,
        dedupe_key varchar(256) NULL,
        dedupe_live varchar(256) NULL,
        create_time datetime(3) NOT NULL,
        update_time datetime(3) NOT NULL,
        queue_time datetime(3) NULL,
        start_time datetime(3) NULL,
        end_time datetime(3) NULL,
        last_heartbeat_time datetime(3) NULL,
        workflow_id varchar(64) NULL,
        workflow_run_id varchar(64) NULL,
        artifacts json NOT NULL,
        version int NOT NULL DEFAULT 1,
        PRIMARY KEY (id),
        UNIQUE KEY uq_tasks_request (tenant, request_id),
        UNIQUE KEY uq_tasks_dedupe_live (tenant, dedupe_live),
        KEY ix_tasks_created (tenant, create_time, id),
        KEY ix_tasks_status_created (tenant, status, create_time, id),
        KEY ix_tasks_project_status_created (tenant, project, status, create_time, id),
        KEY ix_tasks_type_created (tenant, type, create_time, id),
        KEY ix_tasks_queue_status (tenant, queue, status),
        KEY ix_tasks_status_updated (status, update_time)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE tasks`);
  }
}
