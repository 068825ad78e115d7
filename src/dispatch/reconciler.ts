/**
 * The reconciler repairs drift between MySQL (listing truth) and Temporal (execution truth) so
 * no task stays RUNNING, CANCELLING or waiting for a worker forever: a task whose workflow has
 * closed (or vanished) without recording its end is closed here; an abort whose signal was lost
 * is sent again; a task waiting for a worker says whether any worker serves its queue.
 * Queue-side drift (an interrupted dispatch, a QUEUED task without its entry) is repaired by
 * QueueRepairs. Safe with many replicas: every repair goes through TaskLifecycle.settle or
 * re-checks the locked task, so it is idempotent.
 */
import type { Logger } from "pino";
import type { TaskRepository } from "../tasks/repository.js";
import type { TaskLifecycle } from "../tasks/lifecycle.js";
import type { WorkflowGateway } from "../tasks/workflow-gateway.js";
import { isWaitingForWorker, WAITING_REASON } from "../tasks/status.js";
import type { Task } from "../tasks/types.js";
import type { QueueRepairs, RepairKind } from "./queue-repairs.js";

export interface ReconcilerOptions {
  tasks: TaskRepository;
  lifecycle: TaskLifecycle;
  workflows: WorkflowGateway;
  logger: Logger;
  intervalMs: number;
  /** Only tasks unchanged for this long are checked (a healthy task changes as it progresses). */
  staleAfterMs: number;
  queueRepairs?: QueueRepairs;
  /** Workers online for a task's queue and type (the registry's count). */
  workersFor?: (task: Task) => Promise<number>;
  /** Told of each repair, by kind (taskyard_reconciler_repairs_total); QueueRepairs reports its own. */
  onRepaired?: (kind: RepairKind) => void;
}

export class Reconciler {
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<unknown> | undefined;

  constructor(private readonly opts: ReconcilerOptions) {}

  start(): void {
    this.timer = setInterval(() => {
      this.pass ??= this.reconcileOnce()
        .catch((err) => this.opts.logger.warn({ err }, "reconcile pass failed"))
        .finally(() => (this.pass = undefined));
    }, this.opts.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.pass;
  }

  /**
   * A task waiting for a worker says whether any worker serves its queue and type (the message
   * changes, not the status; the reconciler looks again every interval).
   */
  private async sayWhyWaiting(task: Task): Promise<void> {
    if (!this.opts.workersFor) return;
    const online = await this.opts.workersFor(task);
    const message = online > 0 ? `waiting for a worker of queue "${task.queue}"` : `no worker serves queue "${task.queue}" for type "${task.type}" (see ListTaskTypes)`;
    await this.opts.tasks.patch(task.tenant, task.id, { statusMessage: message }, { statuses: ["QUEUED"], attempt: task.attempt });
  }

  /** One pass; returns the number of tasks repaired. */
  async reconcileOnce(): Promise<number> {
    const { tasks, lifecycle, workflows, logger } = this.opts;
    const staleBefore = new Date(Date.now() - this.opts.staleAfterMs);
    const stale = [...(await tasks.findStale(["QUEUED"], staleBefore, 100, WAITING_REASON)), ...(await tasks.findStale(["RUNNING", "CANCELLING"], staleBefore, 100))];
    let repaired = 0;
    for (const task of stale) {
      const waiting = isWaitingForWorker(task);
      if ((waiting || task.status === "RUNNING") && !task.workflowRunId && this.opts.queueRepairs) {
        // Dispatched (committed) but the dispatcher died before recording the workflow's run.
        if (await this.opts.queueRepairs.resumeDispatch(task)) repaired++;
        continue;
      }
      const state = await workflows.describe(task);
      if (state === "RUNNING") {
        if (task.status === "CANCELLING") {
          await workflows.abort(task, task.statusMessage || "aborted by request");
          this.opts.onRepaired?.("resend_abort");
        }
        if (waiting) await this.sayWhyWaiting(task);
        continue;
      }
      const outcome =
        task.status === "CANCELLING" || state === "CANCELLED"
          ? ({ kind: "cancelled", message: `workflow ${state.toLowerCase()} (reconciled)` } as const)
          : ({
              kind: "failed",
              error: {
                code: state === "NOT_FOUND" ? "WORKFLOW_NOT_FOUND" : `WORKFLOW_${state}`,
                message: `the task's workflow is ${state.toLowerCase().replace("_", " ")} without having recorded a result`,
                retryable: true,
              },
            } as const);
      const { task: after, recorded } = await lifecycle.settle(task.tenant, task.id, task.attempt, outcome, "system:reconciler");
      if (recorded) {
        repaired++;
        this.opts.onRepaired?.(outcome.kind === "cancelled" ? "close_cancelled" : "close_failed");
        logger.warn({ tenant: task.tenant, taskId: task.id, from: task.status, to: after?.status, workflow: state }, "reconciled task");
      } else {
        // It finished (or was deleted) between our read and the repair: nothing to mend.
        logger.debug({ tenant: task.tenant, taskId: task.id, status: after?.status ?? "deleted" }, "task settled on its own before the reconciler got to it");
      }
    }
    if (this.opts.queueRepairs) repaired += await this.opts.queueRepairs.repairOnce(staleBefore);
    return repaired;
  }
}
