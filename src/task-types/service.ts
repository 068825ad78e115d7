/**
 * The registry's use cases: workers register (and refresh) the types they serve per queue and
 * learn where to poll; clients list the types of their tenant. Transport-free; rpc/ validates
 * the shapes first (worker-validate.ts).
 */
import { InvalidArgumentError } from "../domain/errors.js";
import type { QueueRepository } from "../queues/repository.js";
import { DEFAULT_QUEUE, defaultTemporalTaskQueue, type Queue } from "../queues/types.js";
import { decodeToken, encodeToken } from "../tasks/page-tokens.js";
import type { Caller } from "../tasks/types.js";
import type { TaskTypeCatalog } from "./catalog.js";
import type { TaskTypeRepository } from "./repository.js";
import { handlerTaskQueue, type ServedQueue, type TaskType, type WorkerAssignment, type WorkerRegistration } from "./types.js";

/** Queues one worker of all queues may serve (each is a Temporal poller per type). */
const MAX_QUEUES_SERVED = 1000;
/** Worker rows unseen this long are deleted (their types stay). */
const FORGET_AFTER_MS = 7 * 24 * 3600_000;

export interface TaskTypeServiceDeps {
  types: TaskTypeRepository;
  queues: QueueRepository;
  /** Told of every registration, so this replica's cached specs follow at once. */
  catalog: TaskTypeCatalog;
  /** A worker unseen this long is offline. */
  ttlMs: number;
}

export class TaskTypeService {
  constructor(private readonly deps: TaskTypeServiceDeps) {}

  get ttlMs(): number {
    return this.deps.ttlMs;
  }

  /**
   * A queue that does not exist yet is served under its default Temporal task queue (workers may
   * start before an admin creates their queue, as they could always).
   */
  async register(caller: Caller, reg: WorkerRegistration): Promise<WorkerAssignment[]> {
    const queues: ServedQueue[] = reg.queues === "all" ? await this.allQueues(caller.tenant) : [];
    for (const name of reg.queues === "all" ? [] : reg.queues) {
      const queue = name === DEFAULT_QUEUE ? await this.deps.queues.ensureDefault(caller.tenant) : await this.deps.queues.get(caller.tenant, name);
      queues.push(queue ?? { name, temporalTaskQueue: defaultTemporalTaskQueue(name) });
    }
    const now = new Date();
    await this.deps.types.register(caller.tenant, reg, queues, now);
    this.deps.catalog.forget(caller.tenant, reg.types.map((t) => t.type));
    await this.deps.types.forgetWorkersBefore(caller.tenant, new Date(now.getTime() - FORGET_AFTER_MS));
    return queues.flatMap((q) => reg.types.map((t) => ({ queue: q.name, type: t.type, temporalTaskQueue: handlerTaskQueue(q.temporalTaskQueue, caller.tenant, t.type) })));
  }

  /** Every queue of the tenant (`default` included), for a worker of all queues. */
  private async allQueues(tenant: string): Promise<Queue[]> {
    const all: Queue[] = [await this.deps.queues.ensureDefault(tenant)];
    for (let after: string | undefined; ; ) {
      const page = await this.deps.queues.list(tenant, after, 500);
      all.push(...page.filter((q) => q.name !== DEFAULT_QUEUE));
      if (page.length < 500) break;
      after = page.at(-1)!.name;
      if (all.length > MAX_QUEUES_SERVED) throw new InvalidArgumentError(`all_queues: the tenant has more than ${MAX_QUEUES_SERVED} queues; name the queues to serve`, "all_queues");
    }
    return all;
  }

  unregister(caller: Caller, workerId: string): Promise<void> {
    return this.deps.types.unregister(caller.tenant, workerId);
  }

  async list(caller: Caller, pageSize: number, pageToken: string): Promise<{ types: TaskType[]; nextPageToken: string }> {
    const after = pageToken ? decodeToken(pageToken, "tt") : undefined;
    const rows = await this.deps.types.list(caller.tenant, this.onlineSince(), pageSize + 1, after);
    const types = rows.slice(0, pageSize);
    const last = types.at(-1);
    return { types, nextPageToken: rows.length > pageSize && last ? encodeToken("tt", last.type) : "" };
  }

  /** Workers online that serve `type` on `queue` (a waiting task's "no worker serves …"). */
  workersForType(queue: Queue, type: string): Promise<number> {
    return this.deps.types.workersFor(queue.tenant, type, queue.temporalTaskQueue, this.onlineSince());
  }

  /** Workers online that serve `queue` (GetQueueStats.workers_watching). */
  workersOn(queue: Queue): Promise<number> {
    return this.deps.types.workersOnTaskQueue(queue.tenant, queue.temporalTaskQueue, this.onlineSince());
  }

  private onlineSince(): Date {
    return new Date(Date.now() - this.deps.ttlMs);
  }
}
