/**
 * Persistence of tasks and their event history. Speaks domain types; every query is scoped by
 * tenant. Status changes are compare-and-set on the current status and append an event in the
 * same transaction, so history and state never disagree.
 */
import type { EntityManager } from "typeorm";
import { TaskEntity, TaskEventEntity, type TaskEventRow, type TaskRow } from "../infra/db/entities.js";
import { dbCall } from "../infra/db/errors.js";
import { AbortedError } from "../domain/errors.js";
import type { SqlFragment } from "./filter/index.js";
import { rowToTask, taskToRow } from "./mapping.js";
import { isTerminal, type TaskStatus } from "./status.js";
import type { Task, TaskEvent } from "./types.js";

export interface TaskListQuery {
  tenant: string;
  project?: string;
  type?: string;
  statuses?: readonly TaskStatus[];
  /** Compiled AIP-160 filter (`?` placeholders, alias `t`). */
  filter?: SqlFragment;
  includeArchived: boolean;
  /** Keyset cursor: rows strictly older than this (create_time desc, id desc). */
  after?: { createTime: Date; id: string };
  offset?: number;
  limit: number;
}

export interface StatusChange {
  actor: string;
  reason: string;
  message?: string;
  /** Columns to set together with the status. */
  set?: Partial<TaskRow>;
}

export class TaskRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Runs `fn` in one transaction; the repository passed in uses only that transaction. */
  transaction<T>(fn: (repo: TaskRepository, manager: EntityManager) => Promise<T>): Promise<T> {
    return dbCall(() => this.manager.transaction((m) => fn(new TaskRepository(m), m)));
  }

  async insert(task: Task, event: StatusChange): Promise<void> {
    await dbCall(async () => {
      const row = taskToRow(task);
      row.dedupeLive = isTerminal(task.status) ? null : task.dedupeKey;
      await this.manager.insert(TaskEntity, row);
      await this.appendEvent(task, null, task.status, event);
    });
  }

  async get(tenant: string, id: string, options: { lock?: boolean } = {}): Promise<Task | undefined> {
    return dbCall(async () => {
      const qb = this.manager
        .createQueryBuilder(TaskEntity, "t")
        .where("t.tenant = :tenant AND t.id = :id", { tenant, id });
      if (options.lock) qb.setLock("pessimistic_write");
      const row = await qb.getOne();
      return row ? rowToTask(row) : undefined;
    });
  }

  async findByRequestId(tenant: string, requestId: string): Promise<Task | undefined> {
    const row = await dbCall(() => this.manager.findOneBy(TaskEntity, { tenant, requestId }));
    return row ? rowToTask(row) : undefined;
  }

  async findLiveByDedupeKey(tenant: string, dedupeKey: string): Promise<Task | undefined> {
    const row = await dbCall(() => this.manager.findOneBy(TaskEntity, { tenant, dedupeLive: dedupeKey }));
    return row ? rowToTask(row) : undefined;
  }

  async list(q: TaskListQuery): Promise<{ tasks: Task[]; totalSize: number }> {
    return dbCall(async () => {
      const base = this.manager.createQueryBuilder(TaskEntity, "t").where("t.tenant = :tenant", { tenant: q.tenant });
      if (q.project !== undefined) base.andWhere("t.project = :project", { project: q.project });
      if (q.type !== undefined) base.andWhere("t.type = :type", { type: q.type });
      if (q.statuses && q.statuses.length > 0) base.andWhere("t.status IN (:...statuses)", { statuses: q.statuses });
      if (!q.includeArchived) base.andWhere("t.archived = false");
      if (q.filter) {
        // TypeORM binds named parameters only: number the fragment's `?`s (its SQL text holds no
        // user literals, so every `?` is a placeholder).
        let i = 0;
        const params: Record<string, unknown> = {};
        const sql = q.filter.sql.replace(/\?/g, () => {
          params[`f${i}`] = q.filter!.params[i];
          return `:f${i++}`;
        });
        base.andWhere(`(${sql})`, params);
      }

      const totalSize = await base.clone().getCount();
      const page = base.clone().orderBy("t.create_time", "DESC").addOrderBy("t.id", "DESC").limit(q.limit);
      if (q.after) {
        page.andWhere("(t.create_time < :ct OR (t.create_time = :ct AND t.id < :cid))", {
          ct: q.after.createTime,
          cid: q.after.id,
        });
      } else if (q.offset) {
        page.offset(q.offset);
      }
      const rows = await page.getMany();
      return { tasks: rows.map(rowToTask), totalSize };
    });
  }

  /**
   * Moves `task` from its current status to `to`, setting `change.set` too, and appends the
   * event. Compare-and-set on (status, version): when another writer got there first, throws
   * AbortedError so the caller can reload and decide again.
   */
  async transition(task: Task, to: TaskStatus, change: StatusChange): Promise<Task> {
    return dbCall(async () => {
      const now = new Date();
      const set: Partial<TaskRow> = {
        ...change.set,
        status: to,
        statusReason: change.reason,
        statusMessage: change.message ?? "",
        updateTime: now,
      };
      // One live task per dedupe key: terminal tasks give the key up, re-queued ones take it back.
      set.dedupeLive = isTerminal(to) ? null : task.dedupeKey;
      const result = await this.manager
        .createQueryBuilder()
        .update(TaskEntity)
        .set({ ...set, version: () => "version + 1" })
        .where("tenant = :tenant AND id = :id AND status = :from", { tenant: task.tenant, id: task.id, from: task.status })
        .execute();
      if (result.affected === 0) {
        throw new AbortedError(`task ${task.id} changed concurrently; retry the request`);
      }
      await this.appendEvent(task, task.status, to, change, now);
      const updated = await this.get(task.tenant, task.id);
      if (!updated) throw new AbortedError(`task ${task.id} was deleted concurrently`);
      return updated;
    });
  }

  /** Sets non-status columns (progress, heartbeat, commit phase …), optionally only in some statuses / attempt. Returns rows changed. */
  async patch(tenant: string, id: string, set: Partial<TaskRow>, only: { statuses?: readonly TaskStatus[]; attempt?: number } = {}): Promise<number> {
    return dbCall(async () => {
      const qb = this.manager
        .createQueryBuilder()
        .update(TaskEntity)
        .set({ ...set, updateTime: new Date(), version: () => "version + 1" })
        .where("tenant = :tenant AND id = :id", { tenant, id });
      if (only.statuses) qb.andWhere("status IN (:...statuses)", { statuses: only.statuses });
      if (only.attempt !== undefined) qb.andWhere("attempt = :attempt", { attempt: only.attempt });
      const result = await qb.execute();
      return result.affected ?? 0;
    });
  }

  /** Tasks in `statuses` not updated since `before` — the reconciler's candidates. */
  async findStale(statuses: readonly TaskStatus[], before: Date, limit: number): Promise<Task[]> {
    const rows = await dbCall(() =>
      this.manager
        .createQueryBuilder(TaskEntity, "t")
        .where("t.status IN (:...statuses) AND t.update_time < :before", { statuses, before })
        .orderBy("t.update_time", "ASC")
        .limit(limit)
        .getMany(),
    );
    return rows.map(rowToTask);
  }

  async listEvents(tenant: string, taskId: string, afterId: string | undefined, limit: number): Promise<{ events: TaskEvent[]; lastId?: string }> {
    const rows = await dbCall(() => {
      const qb = this.manager
        .createQueryBuilder(TaskEventEntity, "e")
        .where("e.tenant = :tenant AND e.task_id = :taskId", { tenant, taskId })
        .orderBy("e.id", "ASC")
        .limit(limit);
      if (afterId) qb.andWhere("e.id > :afterId", { afterId });
      return qb.getMany();
    });
    return {
      events: rows.map(rowToEvent),
      lastId: rows.length > 0 ? rows[rows.length - 1]!.id : undefined,
    };
  }

  private async appendEvent(task: Task, from: TaskStatus | null, to: TaskStatus, change: StatusChange, time = new Date()): Promise<void> {
    const attempt = typeof change.set?.attempt === "number" ? change.set.attempt : task.attempt;
    await this.manager.insert(TaskEventEntity, {
      tenant: task.tenant,
      taskId: task.id,
      time,
      actor: change.actor,
      fromStatus: from,
      toStatus: to,
      reason: change.reason,
      message: change.message ?? "",
      attempt,
    });
  }
}

function rowToEvent(r: TaskEventRow): TaskEvent {
  return {
    sequence: Number(r.id),
    taskId: r.taskId,
    time: r.time,
    actor: r.actor,
    fromStatus: (r.fromStatus as TaskStatus | null) ?? null,
    toStatus: r.toStatus as TaskStatus,
    reason: r.reason,
    message: r.message,
    attempt: r.attempt,
  };
}
