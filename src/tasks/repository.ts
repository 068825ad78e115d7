/**
 * Persistence of tasks and their event history: writes, reads by id, events. Speaks domain
 * types; every query is scoped by tenant (reads by id may also reach other tenants' PUBLIC
 * tasks, when asked). Status changes are compare-and-set on the current
 * status and append an event in the same transaction, so history and state never disagree.
 * Lists, counts and facets are TaskQueryRepository's (query-repository.ts).
 */
import type { EntityManager } from "typeorm";
import { TaskEntity, TaskEventEntity, type TaskEventRow, type TaskRow } from "../infra/db/entities.js";
import { dbCall, transactionWithRetry } from "../infra/db/errors.js";
import { AbortedError } from "../domain/errors.js";
import { rowToTask, taskToRow } from "./mapping.js";
import { tenantScope } from "./scope.js";
import { isTerminal, type TaskStatus } from "./status.js";
import type { Task, TaskEvent } from "./types.js";

export interface StatusChange {
  actor: string;
  reason: string;
  message?: string;
  /** Columns to set together with the status. */
  set?: Partial<TaskRow>;
}

export class TaskRepository {
  constructor(private readonly manager: EntityManager) {}

  /**
   * Runs `fn` in one transaction; the repository passed in uses only that transaction. A deadlock
   * victim is run again (transactionWithRetry), so `fn` must only touch the database.
   */
  transaction<T>(fn: (repo: TaskRepository, manager: EntityManager) => Promise<T>): Promise<T> {
    return transactionWithRetry(() => this.manager.transaction((m) => fn(new TaskRepository(m), m)));
  }

  async insert(task: Task, event: StatusChange): Promise<void> {
    await this.insertMany([task], event);
  }

  /** Multi-row inserts of tasks and their creation events (BatchCreateTasks: one statement each). */
  async insertMany(tasks: readonly Task[], event: StatusChange): Promise<void> {
    if (tasks.length === 0) return;
    await this.inTransaction(async (manager) => {
      await manager.insert(
        TaskEntity,
        tasks.map((task) => ({ ...taskToRow(task), dedupeLive: isTerminal(task.status) ? null : task.dedupeKey })),
      );
      await insertLabels(manager, tasks.flatMap((t) => labelRows(t.tenant, t.id, t.labels)));
      const time = new Date();
      await manager.insert(
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

  /** Deletes a task and its history; its children no longer name it as parent. */
  async delete(tenant: string, id: string): Promise<void> {
    await this.inTransaction(async (manager) => {
      await manager.update(TaskEntity, { tenant, parentId: id }, { parentId: null });
      await manager.delete(TaskEventEntity, { tenant, taskId: id });
      await manager.query(`DELETE FROM task_labels WHERE task_id = ? AND tenant = ?`, [id, tenant]);
      await manager.delete(TaskEntity, { tenant, id });
    });
  }

  /**
   * Runs `fn` in this repository's transaction, or in a new one when there is none: a task's
   * row and its task_labels rows are always written together.
   */
  private inTransaction<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.manager.queryRunner?.isTransactionActive) return dbCall(() => fn(this.manager));
    return dbCall(() => this.manager.transaction(fn));
  }

  /** The tenant's task (`includePublic`: or another tenant's PUBLIC one, for reading). */
  async get(tenant: string, id: string, options: { lock?: boolean; includePublic?: boolean } = {}): Promise<Task | undefined> {
    return dbCall(async () => {
      const qb = this.manager
        .createQueryBuilder(TaskEntity, "t")
        .where(`${tenantScope(options.includePublic)} AND t.id = :id`, { tenant, id });
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

  /** The id of one task whose parent is `id` (ix_tasks_parent), or undefined when it has none. */
  async firstChild(tenant: string, id: string): Promise<string | undefined> {
    const row = await dbCall(() => this.manager.findOne(TaskEntity, { select: { id: true }, where: { tenant, parentId: id } }));
    return row?.id;
  }

  /** The tasks with these ids that the tenant may see (`includePublic`: also other tenants' PUBLIC ones), in no order. */
  async getMany(tenant: string, ids: readonly string[], options: { includePublic?: boolean } = {}): Promise<Task[]> {
    if (ids.length === 0) return [];
    const rows = await dbCall(() =>
      this.manager
        .createQueryBuilder(TaskEntity, "t")
        .where(`${tenantScope(options.includePublic)} AND t.id IN (:...ids)`, { tenant, ids })
        .getMany(),
    );
    return rows.map(rowToTask);
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
      if (change.set?.labels !== undefined) await replaceLabels(this.manager, task.tenant, task.id, change.set.labels);
      await this.appendEvent(task, task.status, to, change, now);
      const updated = await this.get(task.tenant, task.id);
      if (!updated) throw new AbortedError(`task ${task.id} was deleted concurrently`);
      return updated;
    });
  }

  /** Sets non-status columns (progress, heartbeat, commit phase …), optionally only in some statuses / attempt. Returns rows changed. */
  async patch(tenant: string, id: string, set: Partial<TaskRow>, only: { statuses?: readonly TaskStatus[]; attempt?: number } = {}): Promise<number> {
    if (set.labels !== undefined && !this.manager.queryRunner?.isTransactionActive) {
      // The labels column and its task_labels rows change together.
      return this.inTransaction((manager) => new TaskRepository(manager).patch(tenant, id, set, only));
    }
    return dbCall(async () => {
      const qb = this.manager
        .createQueryBuilder()
        .update(TaskEntity)
        .set({ ...set, updateTime: new Date(), version: () => "version + 1" })
        .where("tenant = :tenant AND id = :id", { tenant, id });
      if (only.statuses) qb.andWhere("status IN (:...statuses)", { statuses: only.statuses });
      if (only.attempt !== undefined) qb.andWhere("attempt = :attempt", { attempt: only.attempt });
      const result = await qb.execute();
      const changed = result.affected ?? 0;
      if (changed > 0 && set.labels !== undefined) await replaceLabels(this.manager, tenant, id, set.labels);
      return changed;
    });
  }

  /** Tasks in `statuses` not updated since `before` — the reconciler's candidates. */
  /** Tasks in `statuses` (with `reason`, when given) unchanged since `before`, oldest first. */
  async findStale(statuses: readonly TaskStatus[], before: Date, limit: number, reason?: string): Promise<Task[]> {
    const rows = await dbCall(() =>
      this.manager
        .createQueryBuilder(TaskEntity, "t")
        .where("t.status IN (:...statuses) AND t.update_time < :before", { statuses, before })
        .andWhere(reason === undefined ? "TRUE" : "t.status_reason = :reason", { reason })
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

interface LabelRow {
  tenant: string;
  taskId: string;
  key: string;
  value: string;
}

function labelRows(tenant: string, taskId: string, labels: object): LabelRow[] {
  return Object.entries(labels)
    .filter((e): e is [string, string] => typeof e[1] === "string")
    .map(([key, value]) => ({ tenant, taskId, key, value }));
}

/** Multi-row INSERTs into task_labels, 1,000 rows per statement. */
async function insertLabels(manager: EntityManager, rows: readonly LabelRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    await manager.query(
      `INSERT INTO task_labels (tenant, task_id, label_key, label_value) VALUES ${chunk.map(() => "(?, ?, ?, ?)").join(", ")}`,
      chunk.flatMap((r) => [r.tenant, r.taskId, r.key, r.value]),
    );
  }
}

/** Makes a task's task_labels rows match `labels` (called in the transaction that wrote the column). */
async function replaceLabels(manager: EntityManager, tenant: string, taskId: string, labels: object): Promise<void> {
  await manager.query(`DELETE FROM task_labels WHERE task_id = ? AND tenant = ?`, [taskId, tenant]);
  await insertLabels(manager, labelRows(tenant, taskId, labels));
}
