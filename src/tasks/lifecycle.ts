/**
 * The execution side of a task's life, used by WorkerService (on behalf of workers), the
 * bookkeeping activity and the reconciler: the start of a run, progress, the
 * commit phase, and recording the end of an attempt. Every write is guarded by the attempt and
 * status, so a stale workflow or a repeated call changes nothing.
 */
import type { TaskRepository } from "./repository.js";
import { isTerminal, isWaitingForWorker } from "./status.js";
import type { Artifact, ItemFailure, JsonObject, Progress, Task, TaskErrorInfo } from "./types.js";

export type Outcome =
  | { kind: "completed"; result: JsonObject; itemsSucceeded: number; itemsFailed: number; itemFailures: ItemFailure[]; error: TaskErrorInfo | null }
  | { kind: "failed"; error: TaskErrorInfo }
  | { kind: "cancelled"; message: string };

const SYSTEM = "system:taskyard";

export interface LifecycleHooks {
  /** A handler started on a task that was waiting for one (after the commit): taskyard_task_enqueue_to_start_seconds. */
  onRunStarted?: (task: Task) => void;
}

export class TaskLifecycle {
  constructor(
    private readonly tasks: TaskRepository,
    private readonly hooks: LifecycleHooks = {},
  ) {}

  /**
   * Progress from a handler, written only while the task runs (a late write after the end is
   * dropped). Says whether the task still runs, is being aborted (the handler should stop), or
   * is no longer this attempt's.
   */
  async reportProgress(tenant: string, id: string, attempt: number, progress: Progress): Promise<"running" | "aborting" | "gone"> {
    const set = {
      progressCurrent: String(progress.current),
      progressTotal: String(progress.total),
      progressPercent: progress.percent,
      progressMessage: progress.message.slice(0, 512),
      lastHeartbeatTime: new Date(),
    };
    if ((await this.tasks.patch(tenant, id, set, { statuses: ["RUNNING"], attempt })) > 0) return "running";
    if ((await this.tasks.patch(tenant, id, set, { statuses: ["CANCELLING"], attempt })) > 0) return "aborting";
    return "gone";
  }

  /**
   * A handler activity begins (StartTaskRun): a task waiting for a worker becomes RUNNING
   * (start_time now, reason STARTED), and the execution attempt is recorded (a try after the
   * first is an AUTO_RETRY event, RUNNING → RUNNING; repeats change nothing). Answers the task,
   * or undefined when the execution is stale (an earlier attempt, a cancelled, reset or deleted
   * task): the handler must not run.
   */
  async startRun(tenant: string, id: string, attempt: number, executionAttempt: number, worker: string): Promise<Task | undefined> {
    let started: Task | undefined;
    const task = await this.tasks.transaction(async (tx) => {
      started = undefined; // a retried transaction starts over
      let current = await tx.get(tenant, id, { lock: true });
      if (!current || current.attempt !== attempt) return undefined;
      if (isWaitingForWorker(current)) {
        current = started = await tx.transition(current, "RUNNING", {
          actor: SYSTEM,
          reason: "STARTED",
          message: `started by worker ${worker}`.slice(0, 1000),
          set: { startTime: new Date(), executionAttempt },
        });
      }
      if (current.status !== "RUNNING" && current.status !== "CANCELLING") return undefined;
      if (current.executionAttempt >= executionAttempt) return current;
      if (executionAttempt === 1 || current.status !== "RUNNING") {
        await tx.patch(tenant, id, { executionAttempt });
        return { ...current, executionAttempt };
      }
      return tx.transition(current, "RUNNING", {
        actor: SYSTEM,
        reason: "AUTO_RETRY",
        message: `automatic retry: try ${executionAttempt} of ${current.retryPolicy.maxAttempts}`,
        set: { executionAttempt },
      });
    });
    if (started) this.hooks.onRunStarted?.(started);
    return task;
  }

  /**
   * Enters the handler's commit phase: from now on abort is refused. False when an abort got
   * there first (the task is no longer RUNNING), in which case the handler must stop.
   */
  async enterCommitPhase(tenant: string, id: string, attempt: number): Promise<boolean> {
    return (await this.tasks.patch(tenant, id, { committing: true }, { statuses: ["RUNNING"], attempt })) > 0;
  }

  /** Adds (or replaces, by name) an artifact the handler published. */
  async addArtifact(tenant: string, id: string, attempt: number, artifact: Artifact): Promise<void> {
    await this.tasks.transaction(async (tx) => {
      const current = await tx.get(tenant, id, { lock: true });
      if (!current || current.attempt !== attempt) return;
      const artifacts = [...current.artifacts.filter((a) => a.name !== artifact.name), artifact];
      await tx.patch(tenant, id, { artifacts });
    });
  }

  /** Records the end of an attempt. Idempotent: a repeat, or a stale attempt, changes nothing. */
  async finish(tenant: string, id: string, attempt: number, outcome: Outcome, actor = SYSTEM): Promise<Task | undefined> {
    return (await this.settle(tenant, id, attempt, outcome, actor)).task;
  }

  /** As `finish`, and says whether this call recorded the outcome (false: the attempt was over already, or the task is gone). */
  async settle(tenant: string, id: string, attempt: number, outcome: Outcome, actor = SYSTEM): Promise<{ task: Task | undefined; recorded: boolean }> {
    return this.tasks.transaction(async (tx) => {
      const current = await tx.get(tenant, id, { lock: true });
      // Deleted meanwhile (DeleteTask with force): nothing left to record.
      if (!current) return { task: undefined, recorded: false };
      // A task still waiting for a worker ends here too (its workflow was cancelled before any worker started it).
      if (current.attempt !== attempt || isTerminal(current.status) || (current.status !== "RUNNING" && current.status !== "CANCELLING" && !isWaitingForWorker(current))) {
        return { task: current, recorded: false };
      }
      const task = await this.record(tx, current, outcome, actor);
      return { task, recorded: true };
    });
  }

  private record(tx: TaskRepository, current: Task, outcome: Outcome, actor: string): Promise<Task> {
    const endTime = new Date();
    switch (outcome.kind) {
      case "completed": {
        const partial = outcome.itemsFailed > 0 || outcome.error !== null;
        const finalProgress =
          current.progress.total > 0
            ? { progressCurrent: String(current.progress.total), progressPercent: 100 }
            : { progressPercent: 100 };
        return tx.transition(current, partial ? "COMPLETED_WITH_ERRORS" : "COMPLETED", {
          actor,
          reason: partial ? "PARTIAL_SUCCESS" : "SUCCEEDED",
          message: partial ? `${outcome.itemsFailed} item(s) failed` : "",
          set: {
            endTime,
            committing: false,
            result: outcome.result,
            error: outcome.error,
            itemsSucceeded: String(outcome.itemsSucceeded),
            itemsFailed: String(outcome.itemsFailed),
            itemFailures: outcome.itemFailures.slice(0, 100),
            ...finalProgress,
          },
        });
      }
      case "failed":
        return tx.transition(current, "FAILED", {
          actor,
          reason: "HANDLER_ERROR",
          message: `${outcome.error.code}: ${outcome.error.message}`.slice(0, 4000),
          set: { endTime, committing: false, error: outcome.error },
        });
      case "cancelled":
        return tx.transition(current, "CANCELLED", {
          actor,
          reason: current.status === "CANCELLING" ? (current.statusReason || "USER_ABORT") : "WORKFLOW_CANCELLED",
          message: outcome.message,
          set: { endTime, committing: false },
        });
    }
  }
}
