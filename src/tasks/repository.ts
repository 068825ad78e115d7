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

export interface TimeBounds {
  start?: Date;
  end?: Date;
}

/** Every way ListTasks and the batch RPCs select tasks; all conditions AND together. */
export interface TaskSelection {
  tenant: string;
  project?: string;
  type?: string;
  statuses?: readonly TaskStatus[];
  queue?: string;
  createdBy?: string;
  /** Tags that must be present / absent. */
  tags?: { include: readonly string[]; exclude: readonly string[] };
  labels?: Readonly<Record<string, string>>;
  parentId?: string;
  createTime?: TimeBounds;
  startTime?: TimeBounds;
  endTime?: TimeBounds;
  /** Free text over name, comment and label values (case-insensitive substring). */
  search?: string;
  /** Compiled AIP-160 filter (`?` placeholders, alias `t`). */
  filter?: SqlFragment;
  includeArchived: boolean;
}

/** Sortable columns (the `order_by` whitelist) → SQL. */
export const ORDER_COLUMNS = {
  create_time: "t.create_time",
  update_time: "t.update_time",
  start_time: "t.start_time",
  end_time: "t.end_time",
  priority: "t.priority",
  name: "t.name",
  status: "t.status",
  project: "t.project",
  type: "t.type",
  progress_percent: "t.progress_percent",
} as const;
export type OrderColumn = keyof typeof ORDER_COLUMNS;
export interface OrderTerm {
  column: OrderColumn;
  desc: boolean;
}
export const DEFAULT_ORDER: readonly OrderTerm[] = [{ column: "create_time", desc: true }];

export interface TaskListQuery extends TaskSelection {
  order: readonly OrderTerm[];
  /** Keyset cursor for the default order: rows strictly older than this (create_time desc, id desc). */
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
    await this.insertMany([task], event);
  }

  /** Multi-row inserts of tasks and their creation events (BatchCreateTasks: one statement each). */
  async insertMany(tasks: readonly Task[], event: StatusChange): Promise<void> {
    if (tasks.length === 0) return;
    await dbCall(async () => {
      await this.manager.insert(
        TaskEntity,
        tasks.map((task) => ({ ...taskToRow(task), dedupeLive: isTerminal(task.status) ? null : task.dedupeKey })),
      );
      const time = new Date();
      await this.manager.insert(
        TaskEventEntity,
        tasks.map((task) => ({
          tenant: task.tenant,
          taskId: task.id,
          time,
          actor: event.actor,
          fromStatus: null,
          toStatus: task.status,
          reason: event.reason,
          message: event.message ?? "",
          attempt: task.attempt,
        })),
      );
    });
  }

  /** Deletes a task and its history. */
  async delete(tenant: string, id: string): Promise<void> {
    await dbCall(async () => {
      await this.manager.delete(TaskEventEntity, { tenant, taskId: id });
      await this.manager.delete(TaskEntity, { tenant, id });
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
      const base = this.select(q);
      const totalSize = await base.clone().getCount();
      const page = base.clone().limit(q.limit);
      for (const term of q.order) page.addOrderBy(ORDER_COLUMNS[term.column], term.desc ? "DESC" : "ASC");
      page.addOrderBy("t.id", q.order[0]?.desc === false ? "ASC" : "DESC");
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

  /** Ids of the tasks a selection matches, newest first, at most `limit` (+1 to detect overflow). */
  async selectIds(q: TaskSelection, limit: number): Promise<string[]> {
    const rows = await dbCall(() =>
      this.select(q).select("t.id", "id").orderBy("t.create_time", "DESC").addOrderBy("t.id", "DESC").limit(limit).getRawMany<{ id: string }>(),
    );
    return rows.map((r) => r.id);
  }

  async getMany(tenant: string, ids: readonly string[]): Promise<Task[]> {
    if (ids.length === 0) return [];
    const rows = await dbCall(() =>
      this.manager.createQueryBuilder(TaskEntity, "t").where("t.tenant = :tenant AND t.id IN (:...ids)", { tenant, ids }).getMany(),
    );
    return rows.map(rowToTask);
  }

  /** Distinct values with counts, for GetTaskFilterOptions. */
  async facets(q: TaskSelection): Promise<Record<"projects" | "types" | "queues" | "createdBy" | "statuses" | "tags", Array<{ value: string; count: number }>>> {
    return dbCall(async () => {
      const by = async (column: string) => {
        const rows = await this.select(q)
          .select(column, "value")
          .addSelect("COUNT(*)", "count")
          .groupBy(column)
          .orderBy("count", "DESC")
          .addOrderBy("value", "ASC")
          .limit(1000)
          .getRawMany<{ value: string; count: string }>();
        return rows.map((r) => ({ value: r.value, count: Number(r.count) }));
      };
      const [projects, types, queues, createdBy, statuses] = await Promise.all(
        ["t.project", "t.type", "t.queue", "t.created_by", "t.status"].map(by),
      );
      const [sql, params] = this.select(q).select("t.id", "id").getQueryAndParameters();
      // Tags live in a JSON array: unnest them with JSON_TABLE over the same selection.
      const tagRows: Array<{ value: string; count: string }> = await this.manager.query(
        `SELECT jt.tag AS value, COUNT(*) AS count
           FROM (${sql}) sel
           JOIN tasks t2 ON t2.id = sel.id
           JOIN JSON_TABLE(t2.tags, '$[*]' COLUMNS (tag VARCHAR(128) PATH '$')) jt
          GROUP BY jt.tag ORDER BY count DESC, value ASC LIMIT 1000`,
        params,
      );
      return { projects, types, queues, createdBy, statuses: statuses!, tags: tagRows.map((r) => ({ value: r.value, count: Number(r.count) })) };
    });
  }

  private select(q: TaskSelection) {
    const qb = this.manager.createQueryBuilder(TaskEntity, "t").where("t.tenant = :tenant", { tenant: q.tenant });
    if (q.project !== undefined) qb.andWhere("t.project = :project", { project: q.project });
    if (q.type !== undefined) qb.andWhere("t.type = :type", { type: q.type });
    if (q.statuses && q.statuses.length > 0) qb.andWhere("t.status IN (:...statuses)", { statuses: q.statuses });
    if (q.queue !== undefined) qb.andWhere("t.queue = :queue", { queue: q.queue });
    if (q.createdBy !== undefined) qb.andWhere("t.created_by = :createdBy", { createdBy: q.createdBy });
    if (q.parentId !== undefined) qb.andWhere("t.parent_id = :parentId", { parentId: q.parentId });
    q.tags?.include.forEach((tag, i) => qb.andWhere(`JSON_CONTAINS(t.tags, JSON_QUOTE(:ti${i}))`, { [`ti${i}`]: tag }));
    q.tags?.exclude.forEach((tag, i) => qb.andWhere(`NOT JSON_CONTAINS(t.tags, JSON_QUOTE(:te${i}))`, { [`te${i}`]: tag }));
    Object.entries(q.labels ?? {}).forEach(([key, value], i) =>
      qb.andWhere(`JSON_UNQUOTE(JSON_EXTRACT(t.labels, :lk${i})) = :lv${i}`, { [`lk${i}`]: `$."${key}"`, [`lv${i}`]: value }),
    );
    for (const [column, bounds] of [
      ["create_time", q.createTime],
      ["start_time", q.startTime],
      ["end_time", q.endTime],
    ] as const) {
      if (bounds?.start) qb.andWhere(`t.${column} >= :${column}_from`, { [`${column}_from`]: bounds.start });
      if (bounds?.end) qb.andWhere(`t.${column} < :${column}_to`, { [`${column}_to`]: bounds.end });
    }
    if (q.search) {
      const like = `%${q.search.replace(/[!%_]/g, (c) => `!${c}`)}%`;
      qb.andWhere("(t.name LIKE :search ESCAPE '!' OR t.comment LIKE :search ESCAPE '!' OR JSON_SEARCH(t.labels, 'one', :search, '!') IS NOT NULL)", { search: like });
    }
    if (!q.includeArchived) qb.andWhere("t.archived = false");
    if (q.filter) {
      // TypeORM binds named parameters only: number the fragment's `?`s (its SQL text holds no
      // user literals, so every `?` is a placeholder).
      let i = 0;
      const params: Record<string, unknown> = {};
      const sql = q.filter.sql.replace(/\?/g, () => {
        params[`f${i}`] = q.filter!.params[i];
        return `:f${i++}`;
      });
      qb.andWhere(`(${sql})`, params);
    }
    return qb;
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
