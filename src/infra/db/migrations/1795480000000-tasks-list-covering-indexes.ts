import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * ListTasks at scale (bench/list.ts, 1M tasks): the list indexes end in `archived`, so the
 * default `archived = false` is checked inside the index — the page query reads no row it will
 * not return, and the total_size COUNT and deep-offset id scans are index-only (they read rows
 * for every match before). Plus (tenant, project, create_time) for "by project" without a status,
 * which otherwise sorted every task of the project. Same names, so nothing that names them breaks.
 */
export class TasksListCoveringIndexes1795480000000 implements MigrationInterface {
  name = "TasksListCoveringIndexes1795480000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tasks
        DROP KEY ix_tasks_created,
        ADD KEY ix_tasks_created (tenant, create_time, id, archived),
        DROP KEY ix_tasks_status_created,
        ADD KEY ix_tasks_status_created (tenant, status, create_time, id, archived),
        DROP KEY ix_tasks_project_status_created,
        ADD KEY ix_tasks_project_status_created (tenant, project, status, create_time, id, archived),
        DROP KEY ix_tasks_type_created,
        ADD KEY ix_tasks_type_created (tenant, type, create_time, id, archived),
        ADD KEY ix_tasks_project_created (tenant, project, create_time, id, archived)
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tasks
        DROP KEY ix_tasks_project_created,
        DROP KEY ix_tasks_created,
        ADD KEY ix_tasks_created (tenant, create_time, id),
        DROP KEY ix_tasks_status_created,
        ADD KEY ix_tasks_status_created (tenant, status, create_time, id),
        DROP KEY ix_tasks_project_status_created,
        ADD KEY ix_tasks_project_status_created (tenant, project, status, create_time, id),
        DROP KEY ix_tasks_type_created,
        ADD KEY ix_tasks_type_created (tenant, type, create_time, id)
    `);
  }
}
