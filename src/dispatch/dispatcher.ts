/**
 * The dispatcher: moves the head of every unpaused queue to RUNNING and starts its workflow.
 *
 * Safe with many replicas: per queue, one transaction locks the queue row with SKIP LOCKED (so
 * one replica at a time counts that queue's running tasks — the concurrency limit holds), then
 * claims head entries with SKIP LOCKED. The workflow is started while the rows are locked; if the
 * commit then fails, the task is still QUEUED and the next claim starts the same workflow id,
 * which Temporal treats as the existing execution — no task runs twice.
 */
import type { DataSource } from "typeorm";
import type { Logger } from "pino";
import { QueueRepository } from "../queues/repository.js";
import type { Queue } from "../queues/types.js";
import { TaskRepository } from "../tasks/repository.js";
import type { WorkflowGateway } from "../tasks/workflow-gateway.js";

/** Upper bound of tasks one queue dispatches per pass when it has no concurrency limit. */
const MAX_BATCH = 50;

export interface DispatcherOptions {
  dataSource: DataSource;
  workflows: WorkflowGateway;
  logger: Logger;
  intervalMs: number;
  onDispatched?: (count: number) => void;
}

export class Dispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;

  constructor(private readonly opts: DispatcherOptions) {}

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

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over every dispatchable queue; returns how many tasks it started. */
  async dispatchOnce(): Promise<number> {
    const queues = await new QueueRepository(this.opts.dataSource.manager).listDispatchable();
    let started = 0;
    for (const queue of queues) {
      started += await this.dispatchQueue(queue);
    }
    return started;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.loop().finally(() => {
        this.running = undefined;
      });
    }, delayMs);
  }

  private async loop(): Promise<void> {
    let started = 0;
    try {
      this.again = false;
      started = await this.dispatchOnce();
    } catch (err) {
      this.opts.logger.warn({ err }, "dispatch pass failed; retrying");
    }
    // Work left (a full batch, or a wake during the pass): go again at once; else poll slowly.
    this.schedule(this.again || started > 0 ? 0 : this.opts.intervalMs);
  }

  private async dispatchQueue(queue: Queue): Promise<number> {
    const { dataSource, workflows, logger } = this.opts;
    return dataSource.transaction(async (manager) => {
      const queues = new QueueRepository(manager);
      const tasks = new TaskRepository(manager);
      // Another replica holds this queue right now: it dispatches, we skip.
      const locked = await queues.get(queue.tenant, queue.name, { lock: "skip_locked" });
      if (!locked || locked.paused) return 0;
      let slots = MAX_BATCH;
      if (locked.concurrencyLimit > 0) {
        slots = Math.min(slots, locked.concurrencyLimit - (await queues.countActive(locked.tenant, locked.name)));
      }
      if (slots <= 0) return 0;
      const entries = await queues.claimHead(locked.tenant, locked.name, slots);
      let started = 0;
      for (const entry of entries) {
        const task = await tasks.get(entry.tenant, entry.taskId, { lock: true });
        await queues.removeEntry(entry.tenant, entry.taskId);
        if (!task || task.status !== "QUEUED") continue; // stale entry: drop it
        const { runId } = await workflows.start(task, locked.temporalTaskQueue);
        await tasks.transition(task, "RUNNING", {
          actor: "system:dispatcher",
          reason: "DISPATCHED",
          message: `started on ${locked.temporalTaskQueue}`,
          set: { startTime: new Date(), workflowId: task.id, workflowRunId: runId },
        });
        started++;
      }
      if (started > 0) logger.debug({ queue: locked.name, tenant: locked.tenant, started }, "dispatched");
      return started;
    }).then((started) => {
      if (started > 0) this.opts.onDispatched?.(started);
      return started;
    });
  }
}
