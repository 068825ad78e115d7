/**
 * The registry's use cases: workers register (and refresh) the types they serve per queue and
 * learn where to poll; clients list the types of their tenant. Transport-free; rpc/ validates
 * the shapes first (worker-validate.ts).
 */
import type { QueueRepository } from "../queues/repository.js";
import { DEFAULT_QUEUE, defaultTemporalTaskQueue, type Queue } from "../queues/types.js";
import { decodeToken, encodeToken } from "../tasks/page-tokens.js";
import type { Caller } from "../tasks/types.js";
import type { TaskTypeCatalog } from "./catalog.js";
import type { TaskTypeRepository } from "./repository.js";
import { handlerTaskQueue, type ServedQueue, type TaskType, type WorkerAssignment, type WorkerRegistration } from "./types.js";

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
    const queues: ServedQueue[] = [];
    for (const name of reg.queues) {
      const queue = name === DEFAULT_QUEUE ? await this.deps.queues.ensureDefault(caller.tenant) : await this.deps.queues.get(caller.tenant, name);
      queues.push(queue ?? { name, temporalTaskQueue: defaultTemporalTaskQueue(name) });
    }
    const now = new Date();
    await this.deps.types.register(caller.tenant, reg, queues, now);
    this.deps.catalog.forget(caller.tenant, reg.types.map((t) => t.type));
    await this.deps.types.forgetWorkersBefore(caller.tenant, new Date(now.getTime() - FORGET_AFTER_MS));
    return queues.flatMap((q) => reg.types.map((t) => ({ queue: q.name, type: t.type, temporalTaskQueue: handlerTaskQueue(q.temporalTaskQueue, caller.tenant, t.type) })));
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

  /** Workers online that serve `queue` (GetQueueStats.workers_watching). */
  workersOn(queue: Queue): Promise<number> {
    return this.deps.types.workersOnTaskQueue(queue.tenant, queue.temporalTaskQueue, this.onlineSince());
  }

  private onlineSince(): Date {
    return new Date(Date.now() - this.deps.ttlMs);
  }
}
