/**
 * taskWorkflow: one execution attempt of a task (workflow id = task id). Runs the handler
 * activity — activity type = the task's type, on the handler task queue of its queue, where the
 * workers that registered the type poll — under the task's retry policy and timeouts; turns the
 * `abort` signal into cancellation of that activity (the handler sees it at its next heartbeat
 * and cleans up: WAIT_CANCELLATION_COMPLETED); and always records the outcome in MySQL through
 * finishTask, in a non-cancellable scope. A worker that learnt of the abort from Taskyard's API
 * first fails with TASK_ABORTED: that too is a cancellation.
 */
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  TimeoutFailure,
  isCancellation,
  proxyActivities,
  setHandler,
} from "@temporalio/workflow";
import { abortSignal, abortStateQuery, TASK_ABORTED } from "./definitions.js";
import type { HandlerActivity, HandlerActivityInput, TaskActivities, TaskErrorPayload, TaskOutcome, TaskWorkflowInput } from "./definitions.js";

export async function taskWorkflow(input: TaskWorkflowInput): Promise<TaskOutcome["kind"] | "stale"> {
  const handlers = proxyActivities<Record<string, HandlerActivity>>({
    taskQueue: input.handlerTaskQueue,
    startToCloseTimeout: input.timeouts.startToCloseMs,
    heartbeatTimeout: input.timeouts.heartbeatMs,
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: {
      maximumAttempts: input.retry.maxAttempts,
      initialInterval: input.retry.initialBackoffMs,
      maximumInterval: input.retry.maxBackoffMs,
      backoffCoefficient: input.retry.backoffMultiplier,
    },
  });
  // Recording the end must not be lost: retried until the database answers.
  const { finishTask } = proxyActivities<TaskActivities>({
    startToCloseTimeout: "30 seconds",
    retry: { initialInterval: "1 second", maximumInterval: "30 seconds" },
  });

  let abortReason: string | undefined;
  const handlerScope = new CancellationScope();
  setHandler(abortSignal, (reason) => {
    abortReason = reason || "aborted";
    handlerScope.cancel();
  });
  setHandler(abortStateQuery, () => ({ aborted: abortReason !== undefined, reason: abortReason }));

  let outcome: TaskOutcome;
  try {
    const handlerInput: HandlerActivityInput = { taskId: input.taskId, attempt: input.attempt, type: input.type, queue: input.queue };
    const result = await handlerScope.run(() => handlers[input.type]!(handlerInput));
    if (result.stale) return "stale";
    const itemsFailed = result.itemsFailed ?? 0;
    const itemsSucceeded = result.itemsSucceeded ?? 0;
    outcome = {
      kind: "completed",
      result: result.result ?? {},
      itemsSucceeded,
      itemsFailed,
      itemFailures: result.itemFailures ?? [],
      error: itemsFailed > 0 ? { code: "PARTIAL_FAILURE", message: `${itemsFailed} of ${itemsSucceeded + itemsFailed} items failed`, retryable: true } : null,
    };
  } catch (err) {
    outcome = isCancellation(err) || isAbortedByWorker(err)
      ? { kind: "cancelled", message: abortReason ?? "aborted" }
      : { kind: "failed", error: toTaskError(err) };
  }
  await CancellationScope.nonCancellable(() => finishTask(input, outcome));
  return outcome.kind;
}

function isAbortedByWorker(err: unknown): boolean {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && cause.type === TASK_ABORTED;
}

/** The structured task error of a failed handler activity. */
function toTaskError(err: unknown): TaskErrorPayload {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    const details = cause.details?.[0];
    return {
      code: cause.type || "HANDLER_ERROR",
      message: cause.message,
      retryable: !cause.nonRetryable,
      ...(details && typeof details === "object" ? { details: details as { [key: string]: unknown } } : {}),
    };
  }
  if (cause instanceof TimeoutFailure) {
    return { code: "TIMEOUT", message: `handler timed out (${cause.timeoutType})`, retryable: true };
  }
  return { code: "INTERNAL", message: cause instanceof Error ? cause.message : String(cause), retryable: true };
}
