/**
 * The queue service: every QueueService use case, transport-free. Handlers in rpc/ validate
 * requests into these inputs. Invariants kept here: a task's status and its queue entry change
 * in one transaction (status changes through TaskRepository.transition: compare-and-set + event);
 * `default` always exists and cannot be deleted; every read and write is scoped by the caller's
 * tenant, and a queue or task of another tenant is NOT_FOUND.
 */
import { AbortedError, FailedPreconditionError, NotFoundError } from "../domain/errors.js";
import { notWritable } from "../tasks/access.js";
import { eachTask, type BatchResult } from "../tasks/inputs.js";
import { decodeToken, encodeToken, invalidPageToken, offsetPageToken } from "../tasks/page-tokens.js";
import type { TaskRepository } from "../tasks/repository.js";
import { isWaitingForWorker } from "../tasks/status.js";
import type { Caller, Task } from "../tasks/types.js";
import type { FairCursors } from "./fairness.js";
import { targetPosition, type MoveTarget } from "./move.js";
import { nextPosition } from "./positions.js";
import type { QueueChanges, QueueRepository } from "./repository.js";
import { readQueueStats } from "./stats.js";
import { effectiveBurst, tokensAt } from "./token-bucket.js";
import { DEFAULT_QUEUE, type Queue, type QueueEntryView, type QueueStats, type RateLimit } from "./types.js";
import type { QueueWatchers } from "./watchers.js";

/** Where MoveTask puts a task; BEFORE names the anchor task by id. */
export type MoveRequest = Exclude<MoveTarget, { kind: "before" }> | { kind: "before"; anchorId: string };

/** A validated queue definition (CreateQueue). */
export type QueueSpec = Omit<Queue, "tenant" | "createTime" | "updateTime">;

/** Fields UpdateQueue changes (those present); a rate limit may change one half. */
export type QueueUpdate = Partial<Omit<QueueSpec, "name" | "rateLimit">> & { rateLimit?: Partial<RateLimit> };

export interface QueueServiceDeps {
  queues: QueueRepository;
  tasks: TaskRepository;
  watchers: QueueWatchers;
  /** Called when a queue may have become dispatchable (enqueue, resume, a raised limit). */
  onEnqueued?: () => void;
}

const PURGE_BATCH = 200;

export class QueueService {
  constructor(private readonly deps: QueueServiceDeps) {}

  async create(caller: Caller, spec: QueueSpec): Promise<Queue> {
    // `default` exists already (it is created on first use), so creating it answers ALREADY_EXISTS.
    if (spec.name === DEFAULT_QUEUE) await this.deps.queues.ensureDefault(caller.tenant);
    return this.deps.queues.create({ tenant: caller.tenant, ...spec });
  }

  /** The queue, with the workers online that serve it. */
  async get(caller: Caller, name: string): Promise<Queue & { workersWatching: number }> {
    return this.withWatchers(await this.require(caller.tenant, name));
  }

  async list(caller: Caller, pageSize: number, pageToken: string): Promise<{ queues: Array<Queue & { workersWatching: number }>; nextPageToken: string }> {
    await this.deps.queues.ensureDefault(caller.tenant);
    const after = pageToken ? decodeToken(pageToken, "q") : undefined;
    const queues = await this.deps.queues.list(caller.tenant, after, pageSize + 1);
    const page = queues.slice(0, pageSize);
    return { queues: await Promise.all(page.map((q) => this.withWatchers(q))), nextPageToken: queues.length > pageSize ? encodeToken("q", page[page.length - 1]!.name) : "" };
  }

  private async withWatchers(queue: Queue): Promise<Queue & { workersWatching: number }> {
    return { ...queue, workersWatching: await this.deps.watchers.count(queue) };
  }

  async update(caller: Caller, name: string, update: QueueUpdate): Promise<Queue> {
    await this.require(caller.tenant, name);
    const queue = await this.deps.tasks.transaction(async (_tx, manager) => {
      const queues = this.deps.queues.withManager(manager);
      const current = await queues.get(caller.tenant, name, { lock: "update" });
      if (!current) throw queueNotFound(name);
      const changes: QueueChanges = {
        description: update.description,
        concurrencyLimit: update.concurrencyLimit,
        defaultPriority: update.defaultPriority,
        paused: update.paused,
        temporalTaskQueue: update.temporalTaskQueue,
      };
      if (update.rateLimit) {
        const limit: RateLimit = { ...current.rateLimit, ...update.rateLimit };
        changes.ratePerSecond = limit.perSecond;
        changes.rateBurst = limit.burst;
        // The bucket keeps what it has saved up (a queue that had no limit: a full bucket), never more than its new size.
        const saved = await queues.dispatchState(caller.tenant, name);
        if (saved.refillTime !== null && current.rateLimit.perSecond > 0 && limit.perSecond > 0) {
          const now = new Date();
          changes.rateTokens = Math.min(tokensAt(saved, current.rateLimit, now), effectiveBurst(limit));
          changes.rateRefillTime = now;
        } else {
          changes.rateRefillTime = null;
        }
      }
      if (update.fairnessKey !== undefined && update.fairnessKey !== current.fairnessKey) {
        changes.fairnessKey = update.fairnessKey;
        changes.fairnessCursors = null;
        await queues.recomputeFairnessValues(caller.tenant, name, update.fairnessKey);
      }
      await queues.update(caller.tenant, name, withoutUndefined(changes));
      return (await queues.get(caller.tenant, name))!;
    });
    if (!queue.paused) this.deps.onEnqueued?.();
    return queue;
  }

  pause(caller: Caller, name: string): Promise<Queue> {
    return this.update(caller, name, { paused: true });
  }

  resume(caller: Caller, name: string): Promise<Queue> {
    return this.update(caller, name, { paused: false });
  }

  /** Deletes a queue. Queued tasks refuse it unless `force`, which cancels them; running tasks finish normally. */
  async delete(caller: Caller, name: string, force: boolean): Promise<void> {
    if (name === DEFAULT_QUEUE) throw new FailedPreconditionError(`name: the "${DEFAULT_QUEUE}" queue always exists and cannot be deleted`);
    await this.require(caller.tenant, name);
    if (force) await this.purge(caller, name, "QUEUE_DELETED");
    await this.deps.tasks.transaction(async (_tx, manager) => {
      const queues = this.deps.queues.withManager(manager);
      if (!(await queues.get(caller.tenant, name, { lock: "update" }))) throw queueNotFound(name);
      if (await queues.hasEntriesLocked(caller.tenant, name)) {
        if (force) throw new AbortedError(`tasks were queued in "${name}" while it was being deleted; retry`);
        const count = await queues.countEntries(caller.tenant, name);
        throw new FailedPreconditionError(`queue "${name}" has ${count} queued task(s); dequeue or purge them first, or pass force to cancel them`);
      }
      await queues.delete(caller.tenant, name);
    });
  }

  /** PENDING → QUEUED at the tail of its band in this queue. Re-enqueueing into the same queue is a no-op. */
  async enqueue(caller: Caller, name: string, taskId: string, verifyWatched: boolean): Promise<{ task: Task; watched: boolean }> {
    const queue = await this.require(caller.tenant, name);
    // Asked before anything changes: when Temporal cannot answer, the call fails and nothing happened.
    const watched = verifyWatched ? await this.isWatched(queue) : false;
    const task = await this.enqueueIn(caller, name, taskId);
    this.deps.onEnqueued?.();
    return { task, watched };
  }

  /** QUEUED → PENDING: the task leaves the queue and waits to be enqueued again. */
  async dequeue(caller: Caller, name: string, taskId: string): Promise<Task> {
    await this.require(caller.tenant, name);
    return this.dequeueFrom(caller, name, taskId);
  }

  /** enqueue for each task (ClearML's enqueue_many): one result each; `watched` asked once, first. */
  async enqueueMany(caller: Caller, name: string, taskIds: readonly string[], verifyWatched: boolean): Promise<{ results: BatchResult[]; watched: boolean }> {
    const queue = await this.require(caller.tenant, name);
    const watched = verifyWatched ? await this.isWatched(queue) : false;
    const results = await eachTask(taskIds, (id) => this.enqueueIn(caller, name, id));
    if (results.some((r) => r.ok)) this.deps.onEnqueued?.();
    return { results, watched };
  }

  /** dequeue for each task (ClearML's dequeue_many): one result each. */
  async dequeueMany(caller: Caller, name: string, taskIds: readonly string[]): Promise<BatchResult[]> {
    await this.require(caller.tenant, name);
    return eachTask(taskIds, (id) => this.dequeueFrom(caller, name, id));
  }

  /** The fair order's cursors for a queue with a fairness key (read only then); undefined otherwise. */
  private async fairOrder(queues: QueueRepository, tenant: string, queue: Queue): Promise<{ cursors: FairCursors } | undefined> {
    return queue.fairnessKey ? { cursors: (await queues.dispatchState(tenant, queue.name)).fairnessCursors } : undefined;
  }

  private async isWatched(queue: Queue): Promise<boolean> {
    return (await this.deps.watchers.count(queue)) > 0;
  }

  /** enqueue's change, in a queue known to exist. */
  private enqueueIn(caller: Caller, name: string, taskId: string): Promise<Task> {
    return this.deps.tasks.transaction(async (tx, manager) => {
      const current = await tx.get(caller.tenant, taskId, { lock: true });
      if (!current) throw await notWritable(tx, caller.tenant, taskId);
      if (current.status === "QUEUED") {
        if (current.queue === name) return current;
        if (isWaitingForWorker(current)) throw new FailedPreconditionError(`task ${taskId} was dispatched from "${current.queue}" and waits for a worker`);
        throw new FailedPreconditionError(`task ${taskId} is already queued in "${current.queue}"; dequeue it first`);
      }
      if (current.status !== "PENDING") {
        const hint = current.status === "RUNNING" || current.status === "CANCELLING" ? "" : "; run a finished task again with RetryTask, or ResetTask it first";
        throw new FailedPreconditionError(`task ${taskId} is ${current.status}; only PENDING tasks can be enqueued${hint}`);
      }
      const now = new Date();
      const queued = await tx.transition(current, "QUEUED", {
        actor: caller.principal,
        reason: "USER_ENQUEUE",
        message: `enqueued in ${name}`,
        set: { queue: name, queueTime: now },
      });
      await this.deps.queues.withManager(manager).addEntry({ taskId, tenant: caller.tenant, queue: name, priority: current.priority, enqueueTime: now });
      return queued;
    });
  }

  /** dequeue's change, in a queue known to exist. */
  private dequeueFrom(caller: Caller, name: string, taskId: string): Promise<Task> {
    return this.deps.tasks.transaction(async (tx, manager) => {
      const current = await tx.get(caller.tenant, taskId, { lock: true });
      if (!current) throw await notWritable(tx, caller.tenant, taskId);
      if (current.status !== "QUEUED") throw new FailedPreconditionError(`task ${taskId} is ${current.status}; only QUEUED tasks can be dequeued`);
      if (isWaitingForWorker(current)) throw new FailedPreconditionError(`task ${taskId} was dispatched and waits for a worker; cancel it instead`);
      if (current.queue !== name) throw new FailedPreconditionError(`task ${taskId} is queued in "${current.queue}", not "${name}"`);
      await this.deps.queues.withManager(manager).removeEntry(caller.tenant, taskId);
      return tx.transition(current, "PENDING", { actor: caller.principal, reason: "USER_DEQUEUE", message: `dequeued from ${name}`, set: { queueTime: null } });
    });
  }

  /** Moves a queued task within its band; answers its 0-based place in dispatch order. */
  async move(caller: Caller, name: string, taskId: string, request: MoveRequest): Promise<number> {
    await this.require(caller.tenant, name);
    return this.deps.tasks.transaction(async (tx, manager) => {
      const queues = this.deps.queues.withManager(manager);
      const order = queues.order();
      // The queue row lock serialises moves of one queue (and makes its dispatcher skip one pass).
      const queue = await queues.get(caller.tenant, name, { lock: "update" });
      if (!queue) throw queueNotFound(name);
      const entry = await this.queuedEntry(tx, queues, caller.tenant, name, taskId, "task_id");
      const anchorId = request.kind === "before" ? request.anchorId : undefined;
      const place = async (): Promise<number | null | undefined> => {
        const current = (await queues.getEntry(caller.tenant, taskId))!;
        const moving = { tenant: caller.tenant, queue: name, taskId, priority: current.priority, position: current.position };
        if (anchorId === undefined) return targetPosition(order, moving, request as MoveTarget);
        const anchor = await this.queuedEntry(tx, queues, caller.tenant, name, anchorId, "before_task_id");
        return targetPosition(order, moving, { kind: "before", anchor });
      };
      let position = await place();
      if (position === undefined) {
        // Neighbours too close for a double in between: spread the band out and place again.
        await order.renumberBand(caller.tenant, name, entry.priority, nextPosition());
        position = await place();
        if (position === undefined) throw new AbortedError("the queue changed during the move; retry");
      }
      if (position !== null) await order.setPosition(caller.tenant, taskId, position);
      return order.indexOf(caller.tenant, name, await this.fairOrder(queues, caller.tenant, queue), taskId);
    });
  }

  async listEntries(caller: Caller, name: string, pageSize: number, pageToken: string): Promise<{ entries: QueueEntryView[]; nextPageToken: string }> {
    const queue = await this.require(caller.tenant, name);
    const offset = pageToken ? Number(decodeToken(pageToken, "o")) : 0;
    if (!Number.isSafeInteger(offset) || offset < 0) throw invalidPageToken();
    const entries = await this.deps.queues.order().list(caller.tenant, name, await this.fairOrder(this.deps.queues, caller.tenant, queue), offset, pageSize + 1);
    const page = entries.slice(0, pageSize);
    return { entries: page, nextPageToken: entries.length > pageSize ? offsetPageToken(offset + pageSize) : "" };
  }

  /** Counts, the last hour per minute and per-project shares (queues/stats.ts). */
  async stats(caller: Caller, name: string): Promise<QueueStats> {
    const queue = await this.require(caller.tenant, name);
    const [stats, workersWatching] = await Promise.all([readQueueStats(this.deps.queues.stats(), caller.tenant, name, new Date()), this.deps.watchers.count(queue)]);
    return { ...stats, workersWatching };
  }

  /** Cancels every queued task of the queue (CANCELLED, reason `reason`); answers how many. */
  async purge(caller: Caller, name: string, reason = "QUEUE_PURGED"): Promise<number> {
    await this.require(caller.tenant, name);
    const { queues, tasks } = this.deps;
    let purged = 0;
    for (;;) {
      const ids = await queues.headTaskIds(caller.tenant, name, PURGE_BATCH);
      if (ids.length === 0) return purged;
      // Task lock first, then its entry — the order CancelTask uses — so the two never deadlock.
      purged += await tasks.transaction(async (tx, manager) => {
        const entries = queues.withManager(manager);
        let n = 0;
        for (const id of ids) {
          const task = await tx.get(caller.tenant, id, { lock: true });
          if (task?.status === "QUEUED" && task.queue !== name) continue; // re-queued elsewhere meanwhile
          await entries.removeEntry(caller.tenant, id);
          if (task?.status !== "QUEUED") continue; // dispatched meanwhile, or a stale entry
          await tx.transition(task, "CANCELLED", { actor: caller.principal, reason, message: `purged from queue ${name}`, set: { endTime: new Date() } });
          n++;
        }
        return n;
      });
    }
  }

  /** The queue, or NOT_FOUND; `default` is created on first use. */
  private async require(tenant: string, name: string): Promise<Queue> {
    if (name === DEFAULT_QUEUE) return this.deps.queues.ensureDefault(tenant);
    const queue = await this.deps.queues.get(tenant, name);
    if (!queue) throw queueNotFound(name);
    return queue;
  }

  /** The entry of a task queued in this queue, or NOT_FOUND / FAILED_PRECONDITION naming `field`. */
  private async queuedEntry(tx: TaskRepository, queues: QueueRepository, tenant: string, name: string, taskId: string, field: string) {
    const entry = await queues.getEntry(tenant, taskId);
    if (entry && entry.queue === name) return entry;
    const task = await tx.get(tenant, taskId);
    if (!task) throw await notWritable(tx, tenant, taskId);
    const where = task.status === "QUEUED" ? `queued in "${task.queue}"` : task.status;
    throw new FailedPreconditionError(`${field}: task ${taskId} is not queued in "${name}" (it is ${where})`);
  }
}


function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function queueNotFound(name: string): NotFoundError {
  return new NotFoundError(`queue "${name}" not found`);
}

// Page tokens are opaque to clients: base64url of a kind letter and a cursor.
