/**
 * The activities behind taskWorkflow, built from injected dependencies. `runTask` runs the
 * handler of the task's type with a context that heartbeats (Temporal delivers abort only
 * through a heartbeat) and writes progress to MySQL; `finishTask` records the end.
 */
import { Context } from "@temporalio/activity";
import { ApplicationFailure, CancelledFailure } from "@temporalio/common";
import type { Logger } from "pino";
import type { TaskActivities, TaskOutcome, TaskWorkflowInput } from "../../workflows/definitions.js";
import type { Outcome, TaskLifecycle } from "../tasks/lifecycle.js";
import type { JsonObject } from "../tasks/types.js";
import { HandlerError, type HandlerContext, type ResumeState } from "./handlers/types.js";
import type { HandlerRegistry } from "./handlers/registry.js";
import { ProgressWriter, percentOf } from "./progress-writer.js";

export interface ActivityDeps {
  lifecycle: TaskLifecycle;
  registry: HandlerRegistry;
  logger: Logger;
  progressIntervalMs: number;
}

export function createActivities(deps: ActivityDeps): TaskActivities {
  return {
    async runTask(input: TaskWorkflowInput) {
      const activity = Context.current();
      const { tenant, taskId, attempt } = input;
      // A workflow of an earlier attempt (or of a task reset meanwhile) must not run the handler.
      if (!(await deps.lifecycle.isLiveAttempt(tenant, taskId, attempt))) return { stale: true };
      const handler = deps.registry.get(input.type);
      if (!handler) {
        throw ApplicationFailure.nonRetryable(`no handler is registered for task type "${input.type}" on this worker`, "UNKNOWN_TASK_TYPE");
      }
      await deps.lifecycle.recordExecutionAttempt(tenant, taskId, attempt, activity.info.attempt);
      const task = await deps.lifecycle.get(tenant, taskId);
      const log = deps.logger.child({ taskId, type: input.type, attempt, executionAttempt: activity.info.attempt });
      const writer = new ProgressWriter(
        (p) => deps.lifecycle.reportProgress(tenant, taskId, attempt, p),
        deps.progressIntervalMs,
        (err) => log.warn({ err }, "progress write failed"),
      );
      const signal = activity.cancellationSignal;
      const throwIfAborted = () => {
        if (signal.aborted) throw new CancelledFailure("task aborted");
      };
      const ctx: HandlerContext = {
        taskId,
        attempt,
        executionAttempt: activity.info.attempt,
        resumeFrom: activity.info.heartbeatDetails as ResumeState | undefined,
        signal,
        log,
        async progress(current, total, message = "", state?: JsonObject) {
          const details: ResumeState = { current, total, message, ...(state ? { state } : {}) };
          activity.heartbeat(details);
          await writer.report({ current, total, percent: percentOf(current, total), message });
          throwIfAborted();
        },
        async addArtifact(a) {
          await deps.lifecycle.addArtifact(tenant, taskId, attempt, { name: a.name, uri: a.uri, kind: a.kind ?? "file", metadata: a.metadata ?? {} });
        },
        async enterCommitPhase() {
          throwIfAborted();
          if (!(await deps.lifecycle.enterCommitPhase(tenant, taskId, attempt))) throw new CancelledFailure("task aborted before its commit phase");
        },
      };

      try {
        const out = await handler.run(task.params, ctx);
        await writer.flush();
        const items = out.items;
        return {
          stale: false as const,
          result: out.result ?? {},
          itemsSucceeded: items?.succeeded ?? 0,
          itemsFailed: items?.failed ?? 0,
          itemFailures: items?.failures ?? [],
          error:
            items && items.failed > 0
              ? { code: "PARTIAL_FAILURE", message: `${items.failed} of ${items.succeeded + items.failed} items failed`, retryable: true }
              : null,
        };
      } catch (err) {
        await writer.flush();
        if (signal.aborted) {
          // A worker shutting down (a deploy, a scale-in) is not an abort of the task: fail this
          // try as retryable so Temporal hands the task to another worker, which resumes it.
          if (activity.cancellationDetails?.workerShutdown || (signal.reason as Error | undefined)?.message === "WORKER_SHUTDOWN") {
            throw ApplicationFailure.retryable("the worker shut down during the task; another worker resumes it", "WORKER_SHUTDOWN");
          }
          throw err instanceof CancelledFailure ? err : new CancelledFailure("task aborted", undefined, err as Error);
        }
        if (err instanceof HandlerError) {
          throw ApplicationFailure.create({
            type: err.code,
            message: err.message,
            nonRetryable: !err.retryable,
            details: err.options.details ? [err.options.details] : [],
          });
        }
        log.error({ err }, "handler threw an unexpected error");
        throw ApplicationFailure.retryable(err instanceof Error ? err.message : String(err), "HANDLER_ERROR");
      }
    },

    async finishTask(input: TaskWorkflowInput, outcome: TaskOutcome) {
      // Same shape; the workflow side types JSON loosely because it may not import domain types.
      await deps.lifecycle.finish(input.tenant, input.taskId, input.attempt, outcome as Outcome);
    },
  };
}
