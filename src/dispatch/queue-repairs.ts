/**
 * The reconciler's queue-side repairs, so no task stays QUEUED or RUNNING forever when a
 * process died at the wrong moment:
 * - a RUNNING task without a workflow run id: its dispatcher committed and died before (or
 *   while) starting the workflow — start it now (idempotent: workflow id = task id);
 * - a QUEUED task without a queue entry (no dispatcher would ever see it) — put it back in its
 *   queue, at the place its queue time gives it;
 * - entries of a queue deleted while a task was being created into it — cancel those tasks.
 * Each repair is guarded by the task's current status (and attempt) — a locked re-read or a
 * conditional update — so a concurrent change wins; a workflow start is idempotent.
 */
import type { Logger } from "pino";
import { QueueRepository } from "../queues/repository.js";
import { defaultTemporalTaskQueue } from "../queues/types.js";
import type { TaskRepository } from "../tasks/repository.js";
import { DISPATCHED_STATUSES } from "../tasks/status.js";
import type { Task } from "../tasks/types.js";
import type { WorkflowGateway } from "../tasks/workflow-gateway.js";

const ACTOR = "system:reconciler";

/**
 * What a reconciler repair did: re-sent a lost abort, closed a task whose workflow ended without
 * a result (failed / cancelled), started an interrupted dispatch, re-queued a QUEUED task
 * without its entry, cancelled a task of a deleted queue.
 */
export type RepairKind = "resend_abort" | "close_failed" | "close_cancelled" | "resume_dispatch" | "requeue" | "cancel_orphan";

const BATCH = 100;

export interface QueueRepairsOptions {
  tasks: TaskRepository;
  queues: QueueRepository;
  workflows: WorkflowGateway;
  logger: Logger;
  /** Called after a task went back into a queue. */
  onEnqueued?: () => void;
  /** Told of each repair, by kind (taskyard_reconciler_repairs_total). */
  onRepaired?: (kind: RepairKind) => void;
}

export class QueueRepairs {
  constructor(private readonly opts: QueueRepairsOptions) {}

  /** Starts the workflow of a dispatched task whose dispatch was interrupted (no run recorded); true when it did. */
  async resumeDispatch(task: Task): Promise<boolean> {
    const { tasks, queues, workflows, logger } = this.opts;
    const queue = await queues.get(task.tenant, task.queue);
    const { runId } = await workflows.start(task, queue?.temporalTaskQueue ?? defaultTemporalTaskQueue(task.queue));
    const changed = await tasks.patch(task.tenant, task.id, { workflowRunId: runId }, { statuses: DISPATCHED_STATUSES, attempt: task.attempt });
    if (changed > 0) {
      this.opts.onRepaired?.("resume_dispatch");
      logger.warn({ tenant: task.tenant, taskId: task.id, runId }, "reconciled task: started the workflow of an interrupted dispatch");
    }
    return changed > 0;
  }

  /** One pass of the table-level repairs; returns how many tasks it repaired. */
  async repairOnce(staleBefore: Date): Promise<number> {
    return (await this.requeueLost(staleBefore)) + (await this.cancelOrphans());
  }

  private async requeueLost(staleBefore: Date): Promise<number> {
    const { tasks, queues, logger } = this.opts;
    let repaired = 0;
    for (const { tenant, id } of await queues.findQueuedWithoutEntry(staleBefore, BATCH)) {
      const outcome = await tasks.transaction(async (tx, manager) => {
        const entries = queues.withManager(manager);
        const task = await tx.get(tenant, id, { lock: true });
        if (!task || task.status !== "QUEUED" || (await entries.getEntry(tenant, id))) return undefined;
        if (!(await entries.get(tenant, task.queue))) {
          await tx.transition(task, "CANCELLED", { actor: ACTOR, reason: "QUEUE_DELETED", message: `queue ${task.queue} no longer exists`, set: { endTime: new Date() } });
          return "cancelled";
        }
        const since = task.queueTime ?? task.updateTime;
        await entries.addEntry({ taskId: id, tenant, queue: task.queue, priority: task.priority, enqueueTime: since, position: since.getTime() * 1000 });
        return "requeued";
      });
      if (outcome) {
        repaired++;
        this.opts.onRepaired?.(outcome === "cancelled" ? "cancel_orphan" : "requeue");
        logger.warn({ tenant, taskId: id, outcome }, "reconciled a QUEUED task that had no queue entry");
      }
    }
    if (repaired > 0) this.opts.onEnqueued?.();
    return repaired;
  }

  private async cancelOrphans(): Promise<number> {
    const { tasks, queues, logger } = this.opts;
    let repaired = 0;
    for (const { tenant, queue } of await queues.findEntriesOfMissingQueues()) {
      for (const id of await queues.headTaskIds(tenant, queue, BATCH)) {
        const cancelled = await tasks.transaction(async (tx, manager) => {
          const entries = queues.withManager(manager);
          const task = await tx.get(tenant, id, { lock: true });
          if (task?.status === "QUEUED" && task.queue !== queue) return false;
          if (await entries.get(tenant, queue)) return false; // re-created meanwhile
          await entries.removeEntry(tenant, id);
          if (task?.status !== "QUEUED") return false;
          await tx.transition(task, "CANCELLED", { actor: ACTOR, reason: "QUEUE_DELETED", message: `queue ${queue} was deleted`, set: { endTime: new Date() } });
          return true;
        });
        if (cancelled) {
          repaired++;
          this.opts.onRepaired?.("cancel_orphan");
          logger.warn({ tenant, taskId: id, queue }, "reconciled: cancelled a task queued in a deleted queue");
        }
      }
    }
    return repaired;
  }
}
