/**
 * Persistence of queues and queue entries. A queue entry exists exactly while its task is
 * QUEUED; the dispatcher claims entries in (priority DESC, position) order with SKIP LOCKED.
 */
import type { EntityManager } from "typeorm";
import { QueueEntity, QueueEntryEntity, TaskEntity, type QueueRow } from "../infra/db/entities.js";
import { dbCall } from "../infra/db/errors.js";
import { ACTIVE_STATUSES } from "../tasks/status.js";
import { DEFAULT_QUEUE, defaultTemporalTaskQueue, type Queue } from "./types.js";

export interface QueueEntry {
  taskId: string;
  tenant: string;
  queue: string;
  priority: number;
  position: number;
  enqueueTime: Date;
}

export class QueueRepository {
  constructor(private readonly manager: EntityManager) {}

  withManager(manager: EntityManager): QueueRepository {
    return new QueueRepository(manager);
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
        .values({
          tenant,
          name: DEFAULT_QUEUE,
          description: "The default queue",
          concurrencyLimit: 0,
          defaultPriority: 50,
          paused: false,
          temporalTaskQueue: defaultTemporalTaskQueue(DEFAULT_QUEUE),
          createTime: now,
          updateTime: now,
        })
        .orIgnore()
        .execute(),
    );
    return (await this.get(tenant, DEFAULT_QUEUE))!;
  }

  async create(queue: Omit<Queue, "createTime" | "updateTime">): Promise<Queue> {
    const now = new Date();
    await dbCall(() => this.manager.insert(QueueEntity, { ...queue, createTime: now, updateTime: now }));
    return (await this.get(queue.tenant, queue.name))!;
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

  /** Appends a task at the tail of its priority band. */
  async addEntry(entry: Omit<QueueEntry, "position">): Promise<void> {
    await dbCall(() =>
      this.manager.insert(QueueEntryEntity, {
        ...entry,
        // Microseconds since the epoch keep FIFO order inside a band; MoveTask may pick any double.
        position: entry.enqueueTime.getTime() * 1000 + Math.floor(Math.random() * 1000),
      }),
    );
  }

  async removeEntry(tenant: string, taskId: string): Promise<void> {
    await dbCall(() => this.manager.delete(QueueEntryEntity, { tenant, taskId }));
  }

  /** Locks and returns up to `limit` head entries of a queue, skipping rows other dispatchers hold. */
  async claimHead(tenant: string, queue: string, limit: number): Promise<QueueEntry[]> {
    const rows = await dbCall(() =>
      this.manager
        .createQueryBuilder(QueueEntryEntity, "e")
        .where("e.tenant = :tenant AND e.queue = :queue", { tenant, queue })
        .orderBy("e.priority", "DESC")
        .addOrderBy("e.position", "ASC")
        .limit(limit)
        .setLock("pessimistic_write")
        .setOnLocked("skip_locked")
        .getMany(),
    );
    return rows.map((r) => ({ ...r, position: Number(r.position) }));
  }

  /** Tasks of the queue that hold a concurrency slot (RUNNING or CANCELLING). */
  async countActive(tenant: string, queue: string): Promise<number> {
    return dbCall(() =>
      this.manager
        .createQueryBuilder(TaskEntity, "t")
        .where("t.tenant = :tenant AND t.queue = :queue AND t.status IN (:...active)", { tenant, queue, active: ACTIVE_STATUSES })
        .getCount(),
    );
  }
}

function rowToQueue(r: QueueRow): Queue {
  return { ...r, paused: Boolean(r.paused) };
}
