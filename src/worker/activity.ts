/**
 * One handler as a Temporal activity, the TypeScript side of the worker contract
 * (docs/workers.md): StartTaskRun (stale executions answer `{stale: true}`), the handler with a
 * context that heartbeats its checkpoint and reports progress to Taskyard at a bounded rate, and
 * the outcome as the workflow expects it — a result, a TaskError as an ApplicationFailure of its
 * code, TASK_ABORTED when Taskyard said the task is being aborted, the cancellation itself when
 * Temporal delivered it, WORKER_SHUTDOWN (retryable) when this worker is going away.
 */
import { Context } from "@temporalio/activity";
import { ApplicationFailure, CancelledFailure } from "@temporalio/common";
import type { Logger } from "pino";
import type { HandlerOutcome } from "../infra/metrics.js";
import { TASK_ABORTED, type HandlerActivity } from "../../workflows/definitions.js";
import type { JsonObject } from "../tasks/types.js";
import type { WorkerApi } from "./api.js";
import { TaskError, type HandlerContext, type ResumeState, type TaskHandler } from "./handler.js";
import { ProgressWriter } from "./progress-writer.js";

export interface HandlerActivityDeps {
  api: WorkerApi;
  workerId: string;
  /** Least time between two ReportTaskProgress calls of one task (RegisterWorker says). */
  progressIntervalMs: number;
  logger: Logger;
  /** Told how each handler run ended (taskyard_worker_handler_runs_total / _duration_seconds). */
  metrics?: HandlerMetrics;
}

export interface HandlerMetrics {
  finished(type: string, outcome: HandlerOutcome, seconds: number): void;
}

/** Heartbeat details: progress plus the handler's checkpoint (contract: `checkpoint`). */
interface HeartbeatDetails {
  current: number;
  total: number;
  message: string;
  checkpoint?: JsonObject;
}

export function createHandlerActivity(handler: TaskHandler, deps: HandlerActivityDeps): HandlerActivity {
  const { api } = deps;
  return async (input) => {
    const activity = Context.current();
    const { taskId, attempt } = input;
    const executionAttempt = activity.info.attempt;
    const started = await api.startTaskRun({ taskId, attempt, executionAttempt, workerId: deps.workerId });
    if (!started.live || !started.task) return { stale: true };
    const log = deps.logger.child({ taskId, type: input.type, queue: input.queue, attempt, executionAttempt });
    const began = performance.now();
    const finished = (outcome: HandlerOutcome) => deps.metrics?.finished(input.type, outcome, (performance.now() - began) / 1000);

    // An abort requested through Taskyard (a ReportTaskProgress answer) stops the handler
    // before Temporal's next heartbeat would: the same signal, another source.
    const told = new AbortController();
    const signal = AbortSignal.any([activity.cancellationSignal, told.signal]);
    let committing = false;
    const writer = new ProgressWriter(
      async (p) => {
        const res = await api.reportTaskProgress({ taskId, attempt, progress: { current: BigInt(Math.floor(p.current)), total: BigInt(Math.floor(p.total)), message: p.message } });
        if (res.abortRequested && !committing) told.abort(new CancelledFailure("task aborted"));
      },
      deps.progressIntervalMs,
      (err) => log.warn({ err }, "progress report failed"),
    );
    const throwIfAborted = () => {
      if (signal.aborted) throw new CancelledFailure("task aborted");
    };
    const last = activity.info.heartbeatDetails as HeartbeatDetails | undefined;
    const resumeFrom: ResumeState | undefined = last ? { current: last.current, total: last.total, message: last.message, ...(last.checkpoint ? { state: last.checkpoint } : {}) } : undefined;
    const ctx: HandlerContext = {
      taskId,
      attempt,
      executionAttempt,
      resumeFrom,
      checkpoint: resumeFrom ? (resumeFrom.state ?? resumeFrom.current) : undefined,
      signal,
      log,
      async progress(current, total, message = "", state) {
        const details: HeartbeatDetails = { current, total, message, ...(state ? { checkpoint: state } : {}) };
        activity.heartbeat(details);
        await writer.report({ current, total, percent: 0, message });
        throwIfAborted();
      },
      async addArtifact(a) {
        await api.addTaskArtifact({ taskId, attempt, artifact: { name: a.name, uri: a.uri, kind: a.kind ?? "file", metadata: a.metadata ?? {} } });
      },
      async enterCommitPhase() {
        throwIfAborted();
        await writer.flush();
        if (!(await api.enterTaskCommitPhase({ taskId, attempt })).entered) {
          told.abort(new CancelledFailure("task aborted before its commit phase"));
          throwIfAborted();
        }
        committing = true;
      },
    };

    try {
      const out = await handler.run((started.task.params ?? {}) as JsonObject, ctx);
      finished("completed");
      await writer.flush();
      return {
        result: out.result ?? {},
        itemsSucceeded: out.items?.succeeded ?? 0,
        itemsFailed: out.items?.failed ?? 0,
        itemFailures: out.items?.failures ?? [],
      };
    } catch (err) {
      finished(signal.aborted ? (isShutdown(activity) ? "shutdown" : "aborted") : err instanceof TaskError ? "failed" : "error");
      await writer.flush();
      if (signal.aborted) {
        // A worker shutting down (a deploy, a scale-in) is not an abort of the task: fail this
        // try as retryable so Temporal hands the task to another worker, which resumes it.
        if (isShutdown(activity)) {
          throw ApplicationFailure.retryable("the worker shut down during the task; another worker resumes it", "WORKER_SHUTDOWN");
        }
        if (activity.cancellationSignal.aborted) throw err instanceof CancelledFailure ? err : new CancelledFailure("task aborted", undefined, err as Error);
        throw ApplicationFailure.nonRetryable("task aborted", TASK_ABORTED);
      }
      if (err instanceof TaskError) {
        throw ApplicationFailure.create({ type: err.code, message: err.message, nonRetryable: !err.retryable, details: err.options.details ? [err.options.details] : [] });
      }
      log.error({ err }, "handler threw an unexpected error");
      throw ApplicationFailure.retryable(err instanceof Error ? err.message : String(err), "HANDLER_ERROR");
    }
  };
}

/** This worker is going away (a deploy, a scale-in): not an abort of the task. */
function isShutdown(activity: Context): boolean {
  return Boolean(activity.cancellationDetails?.workerShutdown) || (activity.cancellationSignal.reason as Error | undefined)?.message === "WORKER_SHUTDOWN";
}
