/**
 * The task service: every use case of TaskService that creates or changes tasks, transport-free
 * (the reads are TaskQueryService's, query-service.ts). Handlers in rpc/ convert requests into
 * these inputs (inputs.ts); the execution side (activities, reconciler) uses TaskLifecycle. Invariants kept here: a task and its queue entry are written in one
 * transaction; every status change goes through TaskRepository.transition (compare-and-set +
 * event); the tenant of the caller scopes every read and write — reads also reach other
 * tenants' PUBLIC tasks, writes never (PERMISSION_DENIED, since the caller can see the task).
 */
import { v7 as uuidv7 } from "uuid";
import { AlreadyExistsError, FailedPreconditionError, InvalidArgumentError } from "../domain/errors.js";
import type { QueueRepository } from "../queues/repository.js";
import { DEFAULT_QUEUE, type Queue } from "../queues/types.js";
import type { TaskRow } from "../infra/db/entities.js";
import { currentTraceParent } from "../infra/trace-context.js";
import { notWritable } from "./access.js";
import { BATCH_LIMIT, eachTask, SPEC_FIELDS, type BatchResult, type BatchTarget, type CloneOverrides, type CreateTaskInput, type TaskUpdate } from "./inputs.js";
import type { TaskLifecycle } from "./lifecycle.js";
import type { TaskQueryRepository } from "./query-repository.js";
import type { TaskQueryService } from "./query-service.js";
import type { TaskRepository } from "./repository.js";
import { retryFailedItems, withNewTaskIds } from "./retry-failed-items.js";
import { cancelRefusal, isTerminal, isWaitingForWorker, resetRefusal, retryRefusal, TERMINAL_STATUSES } from "./status.js";
import type { Caller, Task, Visibility } from "./types.js";
import type { WorkflowGateway } from "./workflow-gateway.js";
import type { TaskTypeCatalog } from "../task-types/catalog.js";

export interface TaskServiceDeps {
  tasks: TaskRepository;
  /** Batch selections by filter. */
  queries: TaskQueryRepository;
  /** Reads a task for clone and for the answers of changes. */
  reads: TaskQueryService;
  queues: QueueRepository;
  workflows: WorkflowGateway;
  lifecycle: TaskLifecycle;
  /** The task types workers registered: CreateTask refuses others, and params that break their schema. */
  types: TaskTypeCatalog;
  /** Called after a task entered a queue, so the dispatcher wakes at once. */
  onEnqueued?: () => void;
}

export class TaskService {
  constructor(private readonly deps: TaskServiceDeps) {}

  async create(caller: Caller, input: CreateTaskInput): Promise<Task> {
    const [task] = await this.createMany(caller, [input], input.validateOnly);
    return task!;
  }

  /**
   * Creates tasks in one transaction with multi-row inserts; each entry is idempotent on its
   * own request_id / dedupe_key (an entry that matches an existing task answers that task).
   */
  async createMany(caller: Caller, inputs: readonly CreateTaskInput[], validateOnly: boolean): Promise<Task[]> {
    const { tasks, queues } = this.deps;
    const queueCache = new Map<string, Queue>();
    const answers: Array<Task | undefined> = [];
    const fresh: Task[] = [];
    const seenRequestIds = new Map<string, Task>();
    const knownParents = new Set<string>();
    for (const [i, input] of inputs.entries()) {
      const at = inputs.length > 1 ? `requests[${i}].` : "";
      await this.deps.types.check(caller.tenant, input.task.type, input.task.params, { type: `${at}task.type`, params: `${at}task.params` });
      const existing = await this.findExisting(caller.tenant, input.requestId, input.task.dedupeKey);
      const repeated = input.requestId ? seenRequestIds.get(input.requestId) : undefined;
      if (existing || repeated) {
        answers.push(existing ?? repeated);
        continue;
      }
      const queue = await this.queueFor(caller.tenant, input.task.queue, queueCache, `${at}task.queue`);
      const parentId = input.task.parentId;
      if (parentId && !knownParents.has(parentId)) {
        if (!(await tasks.get(caller.tenant, parentId))) throw new InvalidArgumentError(`${at}task.parent_id: task "${parentId}" not found`, `${at}task.parent_id`);
        knownParents.add(parentId);
      }
      const task = this.newTask(caller, input, queue);
      if (input.requestId) seenRequestIds.set(input.requestId, task);
      fresh.push(task);
      answers.push(task);
    }
    if (validateOnly || fresh.length === 0) return answers.map((t) => t!);

    try {
      await tasks.transaction(async (tx, manager) => {
        await tx.insertMany(fresh, { actor: caller.principal, reason: "CREATED", message: "created" });
        const entries = queues.withManager(manager);
        for (const t of fresh) {
          if (t.status === "QUEUED") await entries.addEntry({ taskId: t.id, tenant: t.tenant, queue: t.queue, priority: t.priority, enqueueTime: t.createTime });
        }
      });
    } catch (err) {
      // Lost a race with an identical request: answer what the winner created (idempotency).
      if (err instanceof AlreadyExistsError && inputs.length === 1) {
        const winner = await this.findExisting(caller.tenant, inputs[0]!.requestId, inputs[0]!.task.dedupeKey);
        if (winner) return [winner];
      }
      if (err instanceof AlreadyExistsError) {
        throw new FailedPreconditionError("a concurrent request created some of these tasks; repeat the call to get every task", { cause: err });
      }
      throw err;
    }
    if (fresh.some((t) => t.status === "QUEUED")) this.deps.onEnqueued?.();
    const stored = new Map((await tasks.getMany(caller.tenant, fresh.map((t) => t.id))).map((t) => [t.id, t]));
    return answers.map((t) => stored.get(t!.id) ?? t!);
  }

  /** Field-mask update: metadata any time (unless published); spec fields only while PENDING unless `force`. */
  async update(caller: Caller, id: string, update: TaskUpdate, force: boolean): Promise<Task> {
    const { tasks, queues } = this.deps;
    if (update.type !== undefined || update.params !== undefined) {
      const before = await tasks.get(caller.tenant, id);
      if (before) await this.deps.types.check(caller.tenant, update.type ?? before.type, update.params ?? before.params, { type: "task.type", params: "task.params" });
    }
    const task = await tasks.transaction(async (tx, manager) => {
      const current = await tx.get(caller.tenant, id, { lock: true });
      if (!current) throw await notWritable(tx, caller.tenant, id);
      // Visibility may change on a published task (publish, then share, as in ClearML).
      const edits = Object.keys(update).filter((f) => update[f as keyof TaskUpdate] !== undefined && f !== "visibility");
      if (current.published && !force && edits.length > 0) throw new FailedPreconditionError(`task ${id} is published and cannot be edited; pass force to edit anyway`);
      const specChanged = SPEC_FIELDS.filter((f) => update[f] !== undefined);
      if (specChanged.length > 0 && current.status !== "PENDING" && !force) {
        throw new FailedPreconditionError(`cannot change ${specChanged.join(", ")} of a ${current.status} task; only PENDING tasks may change spec fields unless force is set`);
      }
      if (update.artifacts !== undefined && (current.status === "RUNNING" || current.status === "CANCELLING") && !force) {
        throw new FailedPreconditionError(`cannot change the artifacts of a ${current.status} task: its handler may be publishing them; pass force to replace them anyway`);
      }
      if (specChanged.length > 0 && (current.status === "RUNNING" || current.status === "CANCELLING" || isWaitingForWorker(current))) {
        throw new FailedPreconditionError(`cannot change ${specChanged.join(", ")} of a ${isWaitingForWorker(current) ? "dispatched" : current.status} task, even with force`);
      }
      const set: Partial<TaskRow> = {};
      if (update.name !== undefined) set.name = update.name;
      if (update.comment !== undefined) set.comment = update.comment;
      if (update.tags !== undefined) set.tags = update.tags;
      if (update.labels !== undefined) set.labels = update.labels;
      if (update.project !== undefined) set.project = update.project;
      if (update.visibility !== undefined) set.visibility = update.visibility;
      if (update.artifacts !== undefined) set.artifacts = update.artifacts;
      if (update.type !== undefined) set.type = update.type;
      if (update.params !== undefined) set.params = update.params;
      if (update.retryPolicy !== undefined) set.retryPolicy = update.retryPolicy;
      if (update.timeouts !== undefined) set.timeouts = update.timeouts;
      if (update.dedupeKey !== undefined) {
        set.dedupeKey = update.dedupeKey;
        set.dedupeLive = isTerminal(current.status) ? null : update.dedupeKey;
      }
      let queueName = current.queue;
      if (update.queue !== undefined && update.queue !== current.queue) {
        queueName = (await this.queueFor(caller.tenant, update.queue, new Map(), "task.queue")).name;
        set.queue = queueName;
      }
      if (update.priority !== undefined) set.priority = update.priority;
      if (Object.keys(set).length > 0) await tx.patch(caller.tenant, id, set);
      // (A task waiting for a worker has left its queue's entries: nothing to keep in step.)
      if (current.status === "QUEUED" && !isWaitingForWorker(current) && (set.queue !== undefined || set.priority !== undefined || set.project !== undefined || set.labels !== undefined)) {
        // Keep the queue entry in step (band, and the fairness value that may derive from
        // project or labels): re-queue at the tail of its (new) band.
        const entries = queues.withManager(manager);
        await entries.removeEntry(caller.tenant, id);
        await entries.addEntry({ taskId: id, tenant: caller.tenant, queue: queueName, priority: set.priority ?? current.priority, enqueueTime: new Date() });
      }
      return (await tx.get(caller.tenant, id))!;
    });
    if (task.status === "QUEUED") this.deps.onEnqueued?.();
    return task;
  }

  /** update for each request in turn (ClearML's tasks.update_batch): one result each, in order. */
  async updateMany(caller: Caller, updates: ReadonlyArray<{ id: string; update: TaskUpdate; force: boolean }>): Promise<BatchResult[]> {
    return eachTask(
      updates.map((u) => u.id),
      (id, i) => this.update(caller, id, updates[i]!.update, updates[i]!.force),
    );
  }

  /**
   * Abort. Waiting tasks are cancelled at once; a running one becomes CANCELLING and its
   * workflow gets the `abort` signal; its handler sees the cancellation at the next heartbeat.
   */
  /**
   * Aborts a task. One still queued, or waiting for a worker, ends CANCELLED at once (the
   * waiting one's workflow is terminated: no worker is involved). `force` (admin; authz checks
   * the role) is a force stop: the workflow is terminated even in the commit phase, and the task
   * closed here as CANCELLED, reason FORCED.
   */
  async cancel(caller: Caller, id: string, reason: string, force = false): Promise<Task> {
    const { tasks, queues, workflows } = this.deps;
    const message = reason || (force ? "force-stopped by request" : "aborted by request");
    const why = force ? "FORCED" : "USER_ABORT";
    let waiting = false;
    const task = await tasks.transaction(async (tx, manager) => {
      const current = await tx.get(caller.tenant, id, { lock: true });
      if (!current) throw await notWritable(tx, caller.tenant, id);
      const refusal = cancelRefusal(current.status, current.committing && !force);
      if (refusal) throw new FailedPreconditionError(`cannot abort task ${id}: ${refusal}`);
      waiting = isWaitingForWorker(current);
      switch (current.status) {
        case "CANCELLING":
          return force ? tx.transition(current, "CANCELLING", { actor: caller.principal, reason: why, message }) : current;
        case "PENDING":
        case "QUEUED":
          await queues.withManager(manager).removeEntry(caller.tenant, id);
          return tx.transition(current, "CANCELLED", { actor: caller.principal, reason: why, message, set: { endTime: new Date() } });
        default:
          return tx.transition(current, "CANCELLING", { actor: caller.principal, reason: why, message });
      }
    });
    // Handed to Temporal but no worker started it: it ended here; its workflow must not start a handler later.
    // (A failed terminate is harmless: StartTaskRun finds the task CANCELLED and runs nothing.)
    if (waiting) await workflows.terminate(task, message).catch(() => undefined);
    if (task.status !== "CANCELLING") return task;
    // A terminated workflow records nothing, and without an open one nothing will report back: close it here.
    if (force || (await workflows.abort(task, message)) === "not_found") {
      if (force) await workflows.terminate(task, message);
      return (await this.deps.lifecycle.finish(task.tenant, task.id, task.attempt, { kind: "cancelled", message }, caller.principal)) ?? task;
    }
    return task;
  }

  /** Queues a FAILED, CANCELLED or COMPLETED_WITH_ERRORS task again as attempt + 1. */
  async retry(caller: Caller, id: string, reason: string, force: boolean): Promise<Task> {
    const { tasks, queues } = this.deps;
    const task = await tasks.transaction(async (tx, manager) => {
      const current = await tx.get(caller.tenant, id, { lock: true });
      if (!current) throw await notWritable(tx, caller.tenant, id);
      const refusal = retryRefusal(current.status, current.error?.retryable, force);
      if (refusal) throw new FailedPreconditionError(`cannot retry task ${id}: ${refusal}`);
      if (current.published) throw new FailedPreconditionError(`cannot retry task ${id}: it is published`);
      await this.checkDedupeFree(tx, current);
      const now = new Date();
      const attempt = current.attempt + 1;
      const updated = await tx.transition(current, "QUEUED", {
        actor: caller.principal,
        reason: "USER_RETRY",
        message: reason || `retry as attempt ${attempt}`,
        // The new attempt's dispatch continues the RetryTask trace (or still the creating one).
        set: { ...CLEARED_EXECUTION, attempt, queueTime: now, traceParent: currentTraceParent() ?? current.traceParent },
      });
      await queues.withManager(manager).addEntry({ taskId: id, tenant: caller.tenant, queue: current.queue, priority: current.priority, enqueueTime: now });
      return updated;
    });
    this.deps.onEnqueued?.();
    return task;
  }

  /** RetryTask with failed_items_only: a new task over the source's failed items only (retry-failed-items.ts). */
  retryFailedItems(caller: Caller, id: string): Promise<Task> {
    return retryFailedItems({ tasks: this.deps.tasks, types: this.deps.types, clone: (...args) => this.clone(...args) }, caller, id);
  }

  /** BatchRetryTasks with failed_items_only: one result per task, naming the task it made. */
  batchRetryFailedItems(caller: Caller, target: BatchTarget): Promise<BatchResult[]> {
    return withNewTaskIds((op) => this.batch(caller, target, op), (id) => this.retryFailedItems(caller, id));
  }

  /** Any non-running task back to PENDING, progress, result and error cleared. */
  async reset(caller: Caller, id: string, reason: string, force: boolean): Promise<Task> {
    const { tasks, queues } = this.deps;
    return tasks.transaction(async (tx, manager) => {
      const current = await tx.get(caller.tenant, id, { lock: true });
      if (!current) throw await notWritable(tx, caller.tenant, id);
      const refusal = isWaitingForWorker(current) ? "it is dispatched and waits for a worker; cancel it first" : resetRefusal(current.status);
      if (refusal) throw new FailedPreconditionError(`cannot reset task ${id}: ${refusal}`);
      if (current.published && !force) throw new FailedPreconditionError(`cannot reset task ${id}: it is published; pass force to reset anyway`);
      if (current.status === "PENDING") return current;
      await this.checkDedupeFree(tx, current);
      await queues.withManager(manager).removeEntry(caller.tenant, id);
      return tx.transition(current, "PENDING", {
        actor: caller.principal,
        reason: "USER_RESET",
        message: reason || "reset",
        set: { ...CLEARED_EXECUTION, queueTime: null, published: false },
      });
    });
  }

  /**
   * A new task of the caller's with the source's spec and the overrides; its parent is the source
   * (for the caller's own source) unless overridden.
   */
  async clone(caller: Caller, id: string, overrides: CloneOverrides, start: boolean, requestId: string | null): Promise<Task> {
    const source = await this.deps.reads.get(caller, id);
    // Another tenant's public task: its queue and parent are not the caller's, and a clone of
    // it stays within the caller's tenant (default queue, no parent, unless overridden).
    const own = source.tenant === caller.tenant;
    if (overrides.params) await this.deps.types.check(caller.tenant, source.type, overrides.params, { type: "id", params: "overrides.params" });
    return this.create(caller, {
      task: {
        name: overrides.name ?? source.name,
        type: source.type,
        project: overrides.project ?? source.project,
        queue: overrides.queue ?? (own ? source.queue : DEFAULT_QUEUE),
        priority: overrides.priority ?? source.priority,
        params: overrides.params ?? source.params,
        tags: overrides.tags && overrides.tags.length > 0 ? overrides.tags : source.tags,
        labels: { ...source.labels, ...overrides.labels },
        comment: source.comment,
        parentId: overrides.parentId ?? (own ? source.id : null),
        retryPolicy: source.retryPolicy,
        timeouts: source.timeouts,
        // A clone is a new piece of work: it does not inherit the source's dedupe key, nor is it
        // shared before someone decides so.
        dedupeKey: null,
        visibility: "PRIVATE",
      },
      requestId,
      validateOnly: false,
      start,
    });
  }

  /**
   * Deletes a task and its history; a live task only with `force`, which aborts it first; a
   * parent only with `force`, which detaches its children (ClearML's tasks.delete).
   */
  async delete(caller: Caller, id: string, force: boolean): Promise<void> {
    let current = await this.own(caller, id);
    if (current.published && !force) throw new FailedPreconditionError(`cannot delete task ${id}: it is published; pass force to delete anyway`);
    const child = force ? undefined : await this.deps.tasks.firstChild(caller.tenant, id);
    if (child) throw new FailedPreconditionError(`cannot delete task ${id}: it has child tasks (e.g. ${child}); pass force to delete it and detach them`);
    if (!isTerminal(current.status) && current.status !== "PENDING") {
      if (!force) throw new FailedPreconditionError(`cannot delete task ${id}: it is ${current.status}; cancel it first or pass force`);
      if (current.status !== "CANCELLING") current = await this.cancel(caller, id, "deleted");
      if (current.status === "CANCELLING") await this.deps.workflows.abort(current, "deleted");
    }
    await this.deps.tasks.transaction(async (tx, manager) => {
      await this.deps.queues.withManager(manager).removeEntry(caller.tenant, id);
      await tx.delete(caller.tenant, id);
    });
  }

  /** Archives (hides) or unarchives a task; a queued task is dequeued first, a running one refused. */
  async setArchived(caller: Caller, id: string, archived: boolean): Promise<Task> {
    if (!archived) return this.patchTask(caller, id, { archived });
    const { tasks, queues } = this.deps;
    return tasks.transaction(async (tx, manager) => {
      const current = await tx.get(caller.tenant, id, { lock: true });
      if (!current) throw await notWritable(tx, caller.tenant, id);
      if (current.status === "RUNNING" || current.status === "CANCELLING" || isWaitingForWorker(current)) {
        throw new FailedPreconditionError(`cannot archive task ${id}: it is ${isWaitingForWorker(current) ? "dispatched and waiting for a worker" : current.status}; cancel it first`);
      }
      if (current.status === "QUEUED") {
        // ClearML's tasks.archive: a queued task is first dequeued (back to PENDING), then archived.
        await queues.withManager(manager).removeEntry(caller.tenant, id);
        return tx.transition(current, "PENDING", {
          actor: caller.principal,
          reason: "USER_DEQUEUE",
          message: `dequeued from ${current.queue} to be archived`,
          set: { queueTime: null, archived: true },
        });
      }
      await tx.patch(caller.tenant, id, { archived: true });
      return (await tx.get(caller.tenant, id))!;
    });
  }

  /** Locks a finished task against edit, reset and delete (ClearML's publish). */
  async publish(caller: Caller, id: string): Promise<Task> {
    const task = await this.own(caller, id);
    if (!TERMINAL_STATUSES.includes(task.status)) throw new FailedPreconditionError(`cannot publish task ${id}: it is ${task.status}; only finished tasks can be published`);
    return this.patchTask(caller, id, { published: true });
  }

  /** Runs `op` for every targeted task, one result each; a failure of one does not stop the rest. */
  async batch(caller: Caller, target: BatchTarget, op: (id: string) => Promise<unknown>): Promise<BatchResult[]> {
    return eachTask(await this.resolveTarget(caller, target), op);
  }

  /** Moves a task to another project; allowed in any status (ClearML's tasks.move). */
  async setProject(caller: Caller, id: string, project: string): Promise<Task> {
    return this.update(caller, id, { project }, false);
  }

  /** Makes a task PUBLIC (every tenant may read it) or PRIVATE again; allowed in any status. */
  async setVisibility(caller: Caller, id: string, visibility: Visibility): Promise<Task> {
    return this.update(caller, id, { visibility }, false);
  }

  /** Adds and removes tags in one step. */
  async updateTags(caller: Caller, id: string, add: readonly string[], remove: readonly string[]): Promise<Task> {
    const task = await this.own(caller, id);
    const tags = [...new Set([...task.tags.filter((t) => !remove.includes(t)), ...add])];
    if (tags.length > 50) throw new InvalidArgumentError(`add_tags: task ${id} would have ${tags.length} tags; at most 50`, "add_tags");
    return this.patchTask(caller, id, { tags });
  }

  private async resolveTarget(caller: Caller, target: BatchTarget): Promise<string[]> {
    if ("ids" in target) return [...new Set(target.ids)];
    const ids = await this.deps.queries.selectIds({ tenant: caller.tenant, ...target.selection }, BATCH_LIMIT + 1);
    if (ids.length > BATCH_LIMIT) {
      throw new FailedPreconditionError(`filter matches more than ${BATCH_LIMIT} tasks; narrow it or page through with ids`);
    }
    return ids;
  }

  private async patchTask(caller: Caller, id: string, set: Partial<TaskRow>): Promise<Task> {
    const changed = await this.deps.tasks.patch(caller.tenant, id, set);
    if (changed === 0) throw await notWritable(this.deps.tasks, caller.tenant, id);
    return this.deps.reads.get(caller, id);
  }

  /** The caller's own task, for a write. */
  private async own(caller: Caller, id: string): Promise<Task> {
    const task = await this.deps.tasks.get(caller.tenant, id);
    if (!task) throw await notWritable(this.deps.tasks, caller.tenant, id);
    return task;
  }

  private async queueFor(tenant: string, name: string, cache: Map<string, Queue>, field: string): Promise<Queue> {
    const cached = cache.get(name);
    if (cached) return cached;
    const { queues } = this.deps;
    const queue = name === DEFAULT_QUEUE ? await queues.ensureDefault(tenant) : await queues.get(tenant, name);
    if (!queue) throw new InvalidArgumentError(`${field}: queue "${name}" does not exist`, field);
    cache.set(name, queue);
    return queue;
  }

  private newTask(caller: Caller, input: CreateTaskInput, queue: Queue): Task {
    const spec = input.task;
    const now = new Date();
    return {
      id: uuidv7(),
      tenant: caller.tenant,
      name: spec.name,
      type: spec.type,
      project: spec.project,
      queue: queue.name,
      priority: spec.priority ?? queue.defaultPriority,
      status: input.start ? "QUEUED" : "PENDING",
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
      executionAttempt: 0,
      visibility: spec.visibility,
      // The dispatch, later and maybe in another replica, continues the creating RPC's trace.
      traceParent: currentTraceParent(),
    };
  }

  /** A task taking its dedupe key back (retry, reset) must not collide with a live one. */
  private async checkDedupeFree(tx: TaskRepository, task: Task): Promise<void> {
    if (!task.dedupeKey || !isTerminal(task.status)) return;
    const live = await tx.findLiveByDedupeKey(task.tenant, task.dedupeKey);
    if (live && live.id !== task.id) {
      throw new FailedPreconditionError(`task ${live.id} with the same dedupe_key is still live`);
    }
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

/** Columns an execution leaves behind, cleared when a task runs again or is reset. */
const CLEARED_EXECUTION: Partial<TaskRow> = {
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
  artifacts: [],
  executionAttempt: 0,
};
