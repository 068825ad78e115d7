/**
 * The task service: every task use case, transport-free. Handlers in rpc/ convert requests into
 * these inputs; the execution side (activities, reconciler) uses TaskLifecycle.
 * Invariants kept here: a task and its queue entry are written in one transaction; every status
 * change goes through TaskRepository.transition (compare-and-set + event); the tenant of the
 * caller scopes every read and write.
 */
import { v7 as uuidv7 } from "uuid";
import { AlreadyExistsError, FailedPreconditionError, InvalidArgumentError, NotFoundError } from "../domain/errors.js";
import type { QueueRepository } from "../queues/repository.js";
import { DEFAULT_QUEUE } from "../queues/types.js";
import type { SqlFragment } from "./filter/index.js";
import type { TaskRepository } from "./repository.js";
import { cancelRefusal, retryRefusal, type TaskStatus } from "./status.js";
import type { TaskLifecycle } from "./lifecycle.js";
import type { Caller, NewTask, Task, TaskEvent } from "./types.js";
import type { WorkflowGateway } from "./workflow-gateway.js";

export interface CreateTaskInput {
  task: NewTask;
  requestId: string | null;
  validateOnly: boolean;
  start: boolean;
}

export interface ListTasksInput {
  project?: string;
  type?: string;
  statuses?: TaskStatus[];
  /** A compiled AIP-160 filter over the tasks table alias `t`. */
  filter?: SqlFragment;
  includeArchived: boolean;
  pageSize: number;
  pageToken?: string;
  page?: number;
}

export interface TaskServiceDeps {
  tasks: TaskRepository;
  queues: QueueRepository;
  workflows: WorkflowGateway;
  lifecycle: TaskLifecycle;
  /** Handler types some worker can run; CreateTask refuses others. */
  knownTypes: ReadonlySet<string>;
  /** Called after a task entered a queue, so the dispatcher wakes at once. */
  onEnqueued?: () => void;
}

export class TaskService {
  constructor(private readonly deps: TaskServiceDeps) {}

  async create(caller: Caller, input: CreateTaskInput): Promise<Task> {
    const { tasks, queues } = this.deps;
    const spec = input.task;
    if (!this.deps.knownTypes.has(spec.type)) {
      throw new InvalidArgumentError(
        `task.type: unknown task type "${spec.type}"; known types: ${[...this.deps.knownTypes].sort().join(", ")}`,
        "task.type",
      );
    }
    const existing = await this.findExisting(caller.tenant, input.requestId, spec.dedupeKey);
    if (existing) return existing;

    const queue = spec.queue === DEFAULT_QUEUE ? await queues.ensureDefault(caller.tenant) : await queues.get(caller.tenant, spec.queue);
    if (!queue) throw new InvalidArgumentError(`task.queue: queue "${spec.queue}" does not exist`, "task.queue");

    const now = new Date();
    const status: TaskStatus = input.start ? "QUEUED" : "PENDING";
    const task: Task = {
      id: uuidv7(),
      tenant: caller.tenant,
      name: spec.name,
      type: spec.type,
      project: spec.project,
      queue: queue.name,
      priority: spec.priority ?? queue.defaultPriority,
      status,
      statusMessage: "",
      statusReason: "CREATED",
      progress: { current: 0, total: 0, percent: 0, message: "" },
      params: spec.params,
      result: null,
      error: null,
      itemsSucceeded: 0,
      itemsFailed: 0,
      itemFailures: [],
      tags: spec.tags,
      labels: spec.labels,
      comment: spec.comment,
      parentId: spec.parentId,
      createdBy: caller.principal,
      attempt: 1,
      retryPolicy: spec.retryPolicy,
      timeouts: spec.timeouts,
      committing: false,
      archived: false,
      published: false,
      requestId: input.requestId,
      dedupeKey: spec.dedupeKey,
      createTime: now,
      updateTime: now,
      queueTime: input.start ? now : null,
      startTime: null,
      endTime: null,
      lastHeartbeatTime: null,
      workflowId: null,
      workflowRunId: null,
      artifacts: [],
    };
    if (input.validateOnly) return task;

    try {
      await tasks.transaction(async (tx, manager) => {
        await tx.insert(task, { actor: caller.principal, reason: "CREATED", message: `created ${status}` });
        if (input.start) {
          await queues.withManager(manager).addEntry({ taskId: task.id, tenant: task.tenant, queue: task.queue, priority: task.priority, enqueueTime: now });
        }
      });
    } catch (err) {
      // Lost a race with an identical request: the winner's task is the answer (idempotency).
      if (err instanceof AlreadyExistsError) {
        const winner = await this.findExisting(caller.tenant, input.requestId, spec.dedupeKey);
        if (winner) return winner;
      }
      throw err;
    }
    if (input.start) this.deps.onEnqueued?.();
    return (await tasks.get(caller.tenant, task.id))!;
  }

  async get(caller: Caller, id: string): Promise<Task> {
    const task = await this.deps.tasks.get(caller.tenant, id);
    if (!task) throw notFound(id);
    return task;
  }

  async list(caller: Caller, input: ListTasksInput): Promise<{ tasks: Task[]; nextPageToken: string; totalSize: number }> {
    const cursor = input.pageToken ? decodePageToken(input.pageToken) : undefined;
    const offset = !cursor && input.page && input.page > 1 ? (input.page - 1) * input.pageSize : undefined;
    const { tasks, totalSize } = await this.deps.tasks.list({
      tenant: caller.tenant,
      project: input.project,
      type: input.type,
      statuses: input.statuses,
      filter: input.filter,
      includeArchived: input.includeArchived,
      after: cursor,
      offset,
      limit: input.pageSize + 1,
    });
    const hasMore = tasks.length > input.pageSize;
    const page = hasMore ? tasks.slice(0, input.pageSize) : tasks;
    const last = page[page.length - 1];
    return { tasks: page, nextPageToken: hasMore && last ? encodePageToken(last) : "", totalSize };
  }

  /**
   * Abort. Waiting tasks are cancelled at once; a running one becomes CANCELLING and its
   * workflow gets the `abort` signal; its handler sees the cancellation at the next heartbeat.
   */
  async cancel(caller: Caller, id: string, reason: string): Promise<Task> {
    const { tasks, queues, workflows } = this.deps;
    const task = await tasks.transaction(async (tx, manager) => {
      const current = await tx.get(caller.tenant, id, { lock: true });
      if (!current) throw notFound(id);
      const refusal = cancelRefusal(current.status, current.committing);
      if (refusal) throw new FailedPreconditionError(`cannot abort task ${id}: ${refusal}`);
      const message = reason || "aborted by request";
      switch (current.status) {
        case "CANCELLING":
          return current;
        case "PENDING":
        case "QUEUED":
          await queues.withManager(manager).removeEntry(caller.tenant, id);
          return tx.transition(current, "CANCELLED", { actor: caller.principal, reason: "USER_ABORT", message, set: { endTime: new Date() } });
        default:
          return tx.transition(current, "CANCELLING", { actor: caller.principal, reason: "USER_ABORT", message });
      }
    });
    if (task.status !== "CANCELLING") return task;
    const sent = await workflows.abort(task, reason || "aborted by request");
    if (sent === "not_found") {
      // No open workflow (it ended, or never started): nothing will report back, so close it here.
      return this.deps.lifecycle.finish(task.tenant, task.id, task.attempt, { kind: "cancelled", message: reason || "aborted by request" }, caller.principal);
    }
    return task;
  }

  /** Queues a FAILED, CANCELLED or COMPLETED_WITH_ERRORS task again as attempt + 1. */
  async retry(caller: Caller, id: string, reason: string, force: boolean): Promise<Task> {
    const { tasks, queues } = this.deps;
    const task = await tasks.transaction(async (tx, manager) => {
      const current = await tx.get(caller.tenant, id, { lock: true });
      if (!current) throw notFound(id);
      const refusal = retryRefusal(current.status, current.error?.retryable, force);
      if (refusal) throw new FailedPreconditionError(`cannot retry task ${id}: ${refusal}`);
      if (current.dedupeKey) {
        const live = await tx.findLiveByDedupeKey(caller.tenant, current.dedupeKey);
        if (live) throw new FailedPreconditionError(`cannot retry task ${id}: task ${live.id} with the same dedupe_key is still live`);
      }
      const now = new Date();
      const attempt = current.attempt + 1;
      const updated = await tx.transition(current, "QUEUED", {
        actor: caller.principal,
        reason: "USER_RETRY",
        message: reason || `retry as attempt ${attempt}`,
        set: {
          attempt,
          queueTime: now,
          startTime: null,
          endTime: null,
          lastHeartbeatTime: null,
          result: null,
          error: null,
          itemsSucceeded: "0",
          itemsFailed: "0",
          itemFailures: [],
          committing: false,
          progressCurrent: "0",
          progressTotal: "0",
          progressPercent: 0,
          progressMessage: "",
          workflowRunId: null,
        },
      });
      await queues.withManager(manager).addEntry({ taskId: id, tenant: caller.tenant, queue: current.queue, priority: current.priority, enqueueTime: now });
      return updated;
    });
    this.deps.onEnqueued?.();
    return task;
  }

  async listEvents(caller: Caller, id: string, pageSize: number, pageToken: string): Promise<{ events: TaskEvent[]; nextPageToken: string }> {
    await this.get(caller, id);
    const afterId = pageToken ? decodeEventToken(pageToken) : undefined;
    const { events, lastId } = await this.deps.tasks.listEvents(caller.tenant, id, afterId, pageSize + 1);
    const hasMore = events.length > pageSize;
    const page = hasMore ? events.slice(0, pageSize) : events;
    const last = page[page.length - 1];
    return { events: page, nextPageToken: hasMore && last && lastId ? Buffer.from(`e:${last.sequence}`).toString("base64url") : "" };
  }

  private async findExisting(tenant: string, requestId: string | null, dedupeKey: string | null): Promise<Task | undefined> {
    if (requestId) {
      const byRequest = await this.deps.tasks.findByRequestId(tenant, requestId);
      if (byRequest) return byRequest;
    }
    if (dedupeKey) return this.deps.tasks.findLiveByDedupeKey(tenant, dedupeKey);
    return undefined;
  }
}

function notFound(id: string): NotFoundError {
  return new NotFoundError(`task "${id}" not found`);
}

// Page tokens are opaque to clients: base64url of the last row's keyset position.
function encodePageToken(task: Task): string {
  return Buffer.from(`t:${task.createTime.getTime()}:${task.id}`).toString("base64url");
}

function decodePageToken(token: string): { createTime: Date; id: string } {
  const m = /^t:(\d{1,15}):([0-9a-f-]{36})$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  if (!m) throw new InvalidArgumentError("page_token: invalid page token; pass next_page_token from a previous response", "page_token");
  return { createTime: new Date(Number(m[1])), id: m[2]! };
}

function decodeEventToken(token: string): string {
  const m = /^e:(\d{1,20})$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  if (!m) throw new InvalidArgumentError("page_token: invalid page token", "page_token");
  return m[1]!;
}
