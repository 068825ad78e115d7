/**
 * Persistence of queues and queue entries. A queue entry exists exactly while its task is
 * QUEUED (TaskService and QueueService write both in one transaction); the dispatcher claims
 * entries in dispatch order (queues/dispatch-repository.ts), ListQueueEntries and MoveTask work
 * on that order through queues/order-repository.ts.
 */
import type { EntityManager } from "typeorm";
import { QueueEntity, QueueEntryEntity, type QueueRow } from "../infra/db/entities.js";
import { dbCall } from "../infra/db/errors.js";
import { HOLDS_SLOT_SQL, WAITING_REASON } from "../tasks/status.js";
import { parseFairnessKey, readCursors, type FairCursors, type FairnessKey } from "./fairness.js";
import { OrderRepository } from "./order-repository.js";
import { nextPosition } from "./positions.js";
import { QueueStatsRepository } from "./stats-repository.js";
import type { BucketState } from "./token-bucket.js";
import { DEFAULT_PRIORITY, DEFAULT_QUEUE, NO_RATE_LIMIT, defaultTemporalTaskQueue, type NewQueue, type Queue } from "./types.js";

export interface QueueEntry {
  taskId: string;
  tenant: string;
  queue: string;
  priority: number;
  position: number;
  enqueueTime: Date;
}

/** Columns UpdateQueue may change. */
export type QueueChanges = Partial<
  Pick<
    QueueRow,
    "description" | "concurrencyLimit" | "defaultPriority" | "paused" | "ratePerSecond" | "rateBurst" | "rateTokens" | "rateRefillTime" | "fairnessKey" | "fairnessCursors" | "temporalTaskQueue"
  >
>;

export class QueueRepository {
  /** Fairness keys read in this transaction (instances from withManager live for one transaction). */
  private readonly fairnessKeys: Map<string, FairnessKey> | undefined;

  constructor(private readonly manager: EntityManager, transactionScoped = false) {
    this.fairnessKeys = transactionScoped ? new Map() : undefined;
  }

  withManager(manager: EntityManager): QueueRepository {
    return new QueueRepository(manager, true);
  }

  async get(tenant: string, name: string, options: { lock?: "update" | "skip_locked" } = {}): Promise<Queue | undefined> {
    return dbCall(async () => {
      const qb = this.manager.createQueryBuilder(QueueEntity, "q").where("q.tenant = :tenant AND q.name = :name", { tenant, name });
      if (options.lock) {
        qb.setLock("pessimistic_write");
        if (options.lock === "skip_locked") qb.setOnLocked("skip_locked");
      }
      const row = await qb.getOne();
      return row ? rowToQueue(row) : undefined;
    });
  }

  /** `default` always exists: created on first use for tenants other than the seeded one. */
  async ensureDefault(tenant: string): Promise<Queue> {
    const existing = await this.get(tenant, DEFAULT_QUEUE);
    if (existing) return existing;
    const now = new Date();
    await dbCall(() =>
      this.manager
        .createQueryBuilder()
        .insert()
        .into(QueueEntity)
        .values({ ...newQueueRow({ tenant, name: DEFAULT_QUEUE, description: "The default queue", concurrencyLimit: 0, defaultPriority: DEFAULT_PRIORITY, paused: false, temporalTaskQueue: defaultTemporalTaskQueue(DEFAULT_QUEUE) }), createTime: now, updateTime: now })
        .orIgnore()
        .execute(),
    );
    return (await this.get(tenant, DEFAULT_QUEUE))!;
  }

  /** The dispatcher's saved state of a queue: its token bucket and fairness cursor (plain read). */
  async dispatchState(tenant: string, name: string): Promise<BucketState & { fairnessCursors: FairCursors }> {
    const row = await dbCall(() =>
      this.manager.findOne(QueueEntity, { select: { rateTokens: true, rateRefillTime: true, fairnessCursors: true }, where: { tenant, name } }),
    );
    return { tokens: Number(row?.rateTokens ?? 0), refillTime: row?.rateRefillTime ?? null, fairnessCursors: readCursors(row?.fairnessCursors) };
  }

  /** Dispatch order of entries (ListQueueEntries, MoveTask) over the same connection. */
  order(): OrderRepository {
    return new OrderRepository(this.manager);
  }

  /** Inserts a queue; AlreadyExistsError when the name is taken. */
  async create(queue: NewQueue): Promise<Queue> {
    const now = new Date();
    await dbCall(() => this.manager.insert(QueueEntity, { ...newQueueRow(queue), createTime: now, updateTime: now }));
    return (await this.get(queue.tenant, queue.name))!;
  }

  /** Queues of a tenant by name, after `afterName`. */
  async list(tenant: string, afterName: string | undefined, limit: number): Promise<Queue[]> {
    const rows = await dbCall(() => {
      const qb = this.manager.createQueryBuilder(QueueEntity, "q").where("q.tenant = :tenant", { tenant }).orderBy("q.name", "ASC").limit(limit);
      if (afterName !== undefined) qb.andWhere("q.name > :afterName", { afterName });
      return qb.getMany();
    });
    return rows.map(rowToQueue);
  }

  async update(tenant: string, name: string, changes: QueueChanges): Promise<void> {
    await dbCall(() => this.manager.update(QueueEntity, { tenant, name }, { ...changes, updateTime: new Date() }));
  }

  async delete(tenant: string, name: string): Promise<void> {
    await dbCall(() => this.manager.delete(QueueEntity, { tenant, name }));
  }

  /** Queues with at least one entry and not paused: the dispatcher's work list. */
  async listDispatchable(): Promise<Queue[]> {
    const rows = await dbCall(() =>
      this.manager
        .createQueryBuilder(QueueEntity, "q")
        .where("q.paused = false")
        .andWhere("EXISTS (SELECT 1 FROM queue_entries e WHERE e.tenant = q.tenant AND e.queue = q.name)")
        .getMany(),
    );
    return rows.map(rowToQueue);
  }

  /**
   * Puts a task (its row already written in this transaction) in a queue: at the tail of its
   * priority band, or at `position` (a re-queue keeping its place). The entry records the task's
   * value of the queue's fairness key.
   */
  async addEntry(entry: Omit<QueueEntry, "position"> & { position?: number }): Promise<void> {
    const key = await this.fairnessKeyOf(entry.tenant, entry.queue);
    const value = fairnessValueSql(key);
    await dbCall(async () => {
      const result: { affectedRows?: number } = await this.manager.query(
        `INSERT INTO queue_entries (task_id, tenant, queue, priority, position, enqueue_time, fairness_value)
         SELECT t.id, t.tenant, ?, ?, ?, ?, ${value.sql} FROM tasks t WHERE t.tenant = ? AND t.id = ?`,
        [entry.queue, entry.priority, entry.position ?? nextPosition(), entry.enqueueTime, ...value.params, entry.tenant, entry.taskId],
      );
      if (result.affectedRows !== 1) throw new Error(`queue entry for task ${entry.taskId} not added: no such task`);
    });
  }

  async removeEntry(tenant: string, taskId: string): Promise<void> {
    await dbCall(() => this.manager.delete(QueueEntryEntity, { tenant, taskId }));
  }

  async getEntry(tenant: string, taskId: string): Promise<(QueueEntry & { fairnessValue: string }) | undefined> {
    const row = await dbCall(() => this.manager.findOneBy(QueueEntryEntity, { tenant, taskId }));
    return row ? { ...row, position: Number(row.position) } : undefined;
  }

  /** Task ids at the head of a queue (dispatch order ignoring fairness), without locking. */
  async headTaskIds(tenant: string, queue: string, limit: number): Promise<string[]> {
    const rows: Array<{ task_id: string }> = await dbCall(() =>
      this.manager.query(`SELECT task_id FROM queue_entries WHERE tenant = ? AND queue = ? ORDER BY priority DESC, position, task_id LIMIT ?`, [tenant, queue, limit]),
    );
    return rows.map((r) => r.task_id);
  }

  /**
   * Whether a queue has entries, as a locking read: it waits for, and then blocks, concurrent
   * enqueues into the queue until this transaction ends (DeleteQueue's emptiness check).
   */
  async hasEntriesLocked(tenant: string, queue: string): Promise<boolean> {
    const rows: unknown[] = await dbCall(() => this.manager.query(`SELECT task_id FROM queue_entries WHERE tenant = ? AND queue = ? LIMIT 1 FOR UPDATE`, [tenant, queue]));
    return rows.length > 0;
  }

  async countEntries(tenant: string, queue: string): Promise<number> {
    return dbCall(() => this.manager.countBy(QueueEntryEntity, { tenant, queue }));
  }

  /** Tasks of the queue that hold a concurrency slot: RUNNING, CANCELLING, or dispatched and waiting for a worker. */
  async countActive(tenant: string, queue: string): Promise<number> {
    const [row]: Array<{ n: string }> = await dbCall(() => this.manager.query(`SELECT COUNT(*) AS n FROM tasks WHERE tenant = ? AND queue = ? AND ${HOLDS_SLOT_SQL}`, [tenant, queue]));
    return Number(row?.n ?? 0);
  }

  /** Recomputes every entry's fairness value after the queue's key changed. */
  async recomputeFairnessValues(tenant: string, queue: string, fairnessKey: string): Promise<void> {
    const value = fairnessValueSql(parseFairnessKey(fairnessKey) ?? { kind: "none" });
    await dbCall(() =>
      this.manager.query(
        `UPDATE queue_entries e JOIN tasks t ON t.tenant = e.tenant AND t.id = e.task_id SET e.fairness_value = ${value.sql} WHERE e.tenant = ? AND e.queue = ?`,
        [...value.params, tenant, queue],
      ),
    );
  }

  /** The reads behind GetQueueStats, over the same connection. */
  stats(): QueueStatsRepository {
    return new QueueStatsRepository(this.manager);
  }

  /** (tenant, queue) pairs that have entries but no queue row any more (deleted meanwhile). */
  async findEntriesOfMissingQueues(): Promise<Array<{ tenant: string; queue: string }>> {
    return dbCall(() =>
      this.manager.query(
        `SELECT d.tenant, d.queue FROM (SELECT DISTINCT tenant, queue FROM queue_entries) d
          WHERE NOT EXISTS (SELECT 1 FROM queues q WHERE q.tenant = d.tenant AND q.name = d.queue)`,
      ),
    );
  }

  /** QUEUED tasks unchanged since `before` that have no queue entry: the dispatcher would never see them. */
  async findQueuedWithoutEntry(before: Date, limit: number): Promise<Array<{ tenant: string; id: string }>> {
    return dbCall(() =>
      this.manager.query(
        `SELECT t.tenant, t.id FROM tasks t LEFT JOIN queue_entries e ON e.task_id = t.id
          WHERE t.status = 'QUEUED' AND t.status_reason <> '${WAITING_REASON}' AND t.update_time < ? AND e.task_id IS NULL ORDER BY t.update_time LIMIT ?`,
        [before, limit],
      ),
    );
  }

  private async fairnessKeyOf(tenant: string, queue: string): Promise<FairnessKey> {
    const cached = this.fairnessKeys?.get(`${tenant}/${queue}`);
    if (cached) return cached;
    const row = await dbCall(() => this.manager.findOne(QueueEntity, { select: { fairnessKey: true }, where: { tenant, name: queue } }));
    const key = parseFairnessKey(row?.fairnessKey ?? "") ?? { kind: "none" };
    this.fairnessKeys?.set(`${tenant}/${queue}`, key);
    return key;
  }
}

/** SQL for a task's (alias `t`) value of a fairness key; columns come from a whitelist, labels are bound. */
function fairnessValueSql(key: FairnessKey): { sql: string; params: unknown[] } {
  switch (key.kind) {
    case "none":
      return { sql: "''", params: [] };
    case "field":
      return { sql: `t.${key.column}`, params: [] };
    case "label":
      return { sql: "LEFT(COALESCE(JSON_UNQUOTE(JSON_EXTRACT(t.labels, ?)), ''), 256)", params: [`$."${key.label}"`] };
  }
}

function newQueueRow(queue: NewQueue): Omit<QueueRow, "createTime" | "updateTime"> {
  const rateLimit = queue.rateLimit ?? NO_RATE_LIMIT;
  return {
    tenant: queue.tenant,
    name: queue.name,
    description: queue.description,
    concurrencyLimit: queue.concurrencyLimit,
    defaultPriority: queue.defaultPriority,
    paused: queue.paused,
    temporalTaskQueue: queue.temporalTaskQueue,
    ratePerSecond: rateLimit.perSecond,
    rateBurst: rateLimit.burst,
    rateTokens: 0,
    rateRefillTime: null, // a full bucket
    fairnessKey: queue.fairnessKey ?? "",
    fairnessCursors: null,
  };
}

export function rowToQueue(r: QueueRow): Queue {
  return {
    tenant: r.tenant,
    name: r.name,
    description: r.description,
    concurrencyLimit: r.concurrencyLimit,
    defaultPriority: r.defaultPriority,
    paused: Boolean(r.paused),
    rateLimit: { perSecond: Number(r.ratePerSecond), burst: r.rateBurst },
    fairnessKey: r.fairnessKey,
    temporalTaskQueue: r.temporalTaskQueue,
    createTime: r.createTime,
    updateTime: r.updateTime,
  };
}
