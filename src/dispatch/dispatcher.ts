/**
 * The dispatcher: moves the head of every unpaused queue to RUNNING and starts its workflow.
 *
 * Safe with many replicas. Per queue, one short transaction locks the queue row with SKIP
 * LOCKED, so one replica at a time decides for that queue: it counts the queue's RUNNING and
 * CANCELLING tasks (the concurrency limit holds), refills and spends the token bucket kept in
 * the queue row (the rate limit holds), claims head entries in dispatch order (priority, then
 * fairness turns, then position) and marks their tasks RUNNING; every lock is taken with SKIP
 * LOCKED, so the dispatcher never waits for a user's cancel or move. Only after that commits
 * are the workflows started (workflow id = task id, idempotent), so a worker that picks one up
 * at once already finds its task RUNNING. Starts run in a bounded pool beside the claiming
 * passes (a slow Temporal does not hold up other queues' claims). A start that fails puts the
 * task back at its old place and pauses that queue's dispatch with backoff; a replica that dies
 * between commit and start leaves a RUNNING task without a run id, which the reconciler starts.
 */
import PQueue from "p-queue";
import type { DataSource } from "typeorm";
import type { Logger } from "pino";
import { DispatchRepository, type Claim } from "../queues/dispatch-repository.js";
import { QueueRepository } from "../queues/repository.js";
import { msUntilToken, tokensAt } from "../queues/token-bucket.js";
import type { Queue } from "../queues/types.js";
import { TaskRepository } from "../tasks/repository.js";
import { DISPATCHED_STATUSES, isWaitingForWorker } from "../tasks/status.js";
import type { Task } from "../tasks/types.js";
import type { WorkflowGateway } from "../tasks/workflow-gateway.js";
import { outsideLogScope } from "../infra/log-context.js";
import { context, ROOT_CONTEXT } from "@opentelemetry/api";

/** Upper bound of tasks one queue dispatches per pass (a pass with work left runs again at once). */
const MAX_BATCH = 50;
/** Claimed tasks waiting for a start before passes wait for the pool to catch up. */
const MAX_START_BACKLOG = 2 * MAX_BATCH;
/** Longest pause of a queue whose workflow starts keep failing (Temporal down, a bad task queue). */
const MAX_BACKOFF_MS = 30_000;

export interface DispatcherOptions {
  dataSource: DataSource;
  workflows: WorkflowGateway;
  logger: Logger;
  /** Idle poll interval: bounds how late a replica notices work another replica queued. */
  intervalMs: number;
  onDispatched?: (count: number) => void;
  /** A workflow start failed and the task went back to its queue (taskyard_dispatch_failures_total). */
  onStartFailed?: () => void;
  /** Workflow starts in flight at once (default 16). */
  startConcurrency?: number;
}

interface QueuePass {
  /** Tasks marked RUNNING (their starts may still be under way). */
  claimed: number;
  /** When the queue's rate limit allows its next task. */
  retryInMs?: number;
}

export class Dispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private failedPasses = 0;
  private readonly starts: PQueue;
  /** Queues whose starts failed: skipped until `until`, so one bad queue does not stall the others. */
  private readonly backoff = new Map<string, { failures: number; until: number }>();

  constructor(private readonly opts: DispatcherOptions) {
    this.starts = new PQueue({ concurrency: opts.startConcurrency ?? 16 });
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Runs a pass now (or right after the current one): called when a task was enqueued. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  /** Stops passing; resolves once the current pass and every start it claimed are done. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.starts.onIdle();
  }

  /** One pass over every dispatchable queue, its starts included; returns how many tasks it claimed. */
  async dispatchOnce(): Promise<number> {
    const { claimed } = await this.pass();
    await this.starts.onIdle();
    return claimed;
  }

  private async pass(): Promise<QueuePass> {
    const queues = await new QueueRepository(this.opts.dataSource.manager).listDispatchable();
    const total: QueuePass = { claimed: 0 };
    for (const queue of queues) {
      const held = this.backoff.get(keyOf(queue));
      if (held && held.until > Date.now()) continue;
      // Backpressure: while Temporal is slower than the claims, let the starts catch up.
      if (this.starts.size >= MAX_START_BACKLOG) await this.starts.onSizeLessThan(MAX_START_BACKLOG);
      const one = await this.dispatchQueue(queue);
      total.claimed += one.claimed;
      if (one.retryInMs !== undefined) total.retryInMs = Math.min(total.retryInMs ?? Infinity, one.retryInMs);
    }
    return total;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    // A pass woken by an RPC (wake) is not about that call: its lines must not carry its request id,
    // nor its queries join the call's trace (each dispatch continues its own task's trace instead).
    this.timer = outsideLogScope(() => context.with(ROOT_CONTEXT, () => setTimeout(() => {
      this.timer = undefined;
      this.running = this.loop().finally(() => {
        this.running = undefined;
      });
    }, delayMs)));
  }

  private async loop(): Promise<void> {
    const { intervalMs, logger } = this.opts;
    let result: QueuePass;
    try {
      this.again = false;
      result = await this.pass();
      this.failedPasses = 0;
    } catch (err) {
      // The database (or the listing) failed: back off as a whole.
      this.failedPasses++;
      logger.warn({ err }, "dispatch pass failed; retrying");
      this.schedule(Math.min(MAX_BACKOFF_MS, intervalMs * 2 ** (this.failedPasses - 1)));
      return;
    }
    // Work left (a full batch, or a wake during the pass): go again at once; else poll, or
    // come back when a rate-limited queue earns its next token.
    if (this.again || result.claimed > 0) this.schedule(0);
    else this.schedule(Math.min(intervalMs, result.retryInMs ?? Infinity));
  }

  private async dispatchQueue(queue: Queue): Promise<QueuePass> {
    const now = new Date();
    const plan = await this.opts.dataSource.transaction("READ COMMITTED", async (manager) => {
      const repo = new DispatchRepository(manager);
      // Another replica (or an admin change) holds this queue right now: skip it this pass.
      const state = await repo.lockQueue(queue.tenant, queue.name);
      if (!state || state.queue.paused) return undefined;
      const q = state.queue;
      let slots = MAX_BATCH;
      if (q.concurrencyLimit > 0) slots = Math.min(slots, q.concurrencyLimit - (await new QueueRepository(manager).countActive(q.tenant, q.name)));
      if (slots <= 0) return undefined;
      const limited = q.rateLimit.perSecond > 0;
      const tokens = limited ? tokensAt(state.bucket, q.rateLimit, now) : Infinity;
      if (tokens < 1) return { queue: q, claims: [], tasks: [], retryInMs: msUntilToken(tokens, q.rateLimit) };
      slots = Math.min(slots, Math.floor(tokens));

      const claims = q.fairnessKey ? await repo.claimFair(q.tenant, q.name, state.fairnessCursors, slots) : await repo.claimHead(q.tenant, q.name, slots);
      const locked = await repo.lockTasks(q.tenant, claims.map((c) => c.taskId));
      // A task a user's cancel or dequeue holds is left for the next pass; a stale entry is dropped.
      const held = claims.filter((c) => locked.has(c.taskId));
      const live = held.filter((c) => locked.get(c.taskId)!.status === "QUEUED" && !isWaitingForWorker(locked.get(c.taskId)!) && locked.get(c.taskId)!.queue === q.name);
      await repo.removeEntries(q.tenant, held.map((c) => c.taskId));
      const tasks = await repo.markDispatched(live.map((c) => locked.get(c.taskId)!), { actor: "system:dispatcher", message: `waiting for a worker of queue "${q.name}"`, time: now });

      const left = tokens - tasks.length;
      // Each band's turns resume after the value it served last.
      const cursors: Record<string, string> = { ...state.fairnessCursors };
      if (q.fairnessKey) for (const c of live) cursors[String(c.priority)] = c.fairnessValue;
      if (limited || (q.fairnessKey && live.length > 0)) {
        await repo.saveState(q.tenant, q.name, limited ? { tokens: left, refillTime: now } : state.bucket, cursors);
      }
      return { queue: q, claims: live, tasks, retryInMs: limited && left < 1 ? msUntilToken(left, q.rateLimit) : undefined };
    });
    if (!plan) return { claimed: 0 };
    if (plan.tasks.length > 0) {
      this.opts.logger.debug({ queue: plan.queue.name, tenant: plan.queue.tenant, claimed: plan.tasks.length, claimMs: Date.now() - now.getTime() }, "dispatched");
    }
    plan.tasks.forEach((task, i) => void this.starts.add(() => this.startOne(plan.queue, task, plan.claims[i]!)));
    return { claimed: plan.tasks.length, retryInMs: plan.retryInMs };
  }

  private async startOne(queue: Queue, task: Task, claim: Claim): Promise<void> {
    const { workflows, dataSource, logger } = this.opts;
    try {
      const { runId } = await workflows.start(task, queue.temporalTaskQueue);
      await new TaskRepository(dataSource.manager).patch(task.tenant, task.id, { workflowRunId: runId }, { statuses: DISPATCHED_STATUSES, attempt: task.attempt });
      this.backoff.delete(keyOf(queue));
      this.opts.onDispatched?.(1);
    } catch (err) {
      this.opts.onStartFailed?.();
      logger.warn({ err, tenant: task.tenant, taskId: task.id, queue: queue.name }, "workflow start failed; the task goes back to its place in the queue");
      const failures = (this.backoff.get(keyOf(queue))?.failures ?? 0) + 1;
      this.backoff.set(keyOf(queue), { failures, until: Date.now() + Math.min(MAX_BACKOFF_MS, this.opts.intervalMs * 2 ** (failures - 1)) });
      await this.requeue(task, claim, err).catch((e: unknown) => logger.error({ err: e, tenant: task.tenant, taskId: task.id }, "could not re-queue the task; the reconciler will start it"));
    }
  }

  /** Back to its old position in the queue (still waiting, no run), unless something else happened to it meanwhile. */
  private async requeue(task: Task, claim: Claim, cause: unknown): Promise<void> {
    await new TaskRepository(this.opts.dataSource.manager).transaction(async (tx, manager) => {
      const current = await tx.get(task.tenant, task.id, { lock: true });
      if (!current || !isWaitingForWorker(current) || current.attempt !== task.attempt || current.workflowRunId) return;
      await tx.transition(current, "QUEUED", {
        actor: "system:dispatcher",
        reason: "DISPATCH_FAILED",
        message: `workflow start failed: ${cause instanceof Error ? cause.message : String(cause)}`.slice(0, 1000),
        set: { startTime: null },
      });
      await new QueueRepository(manager, true).addEntry({
        taskId: current.id,
        tenant: current.tenant,
        queue: current.queue,
        priority: current.priority,
        enqueueTime: claim.enqueueTime,
        position: claim.position,
      });
    });
  }
}

function keyOf(queue: Queue): string {
  return `${queue.tenant}/${queue.name}`;
}
