/**
 * taskWorkflow: one execution attempt of a task (workflow id = task id). Runs the handler
 * activity for the task's type under the task's retry policy and timeouts, turns the `abort`
 * signal into cancellation of that activity (the handler sees it at its next heartbeat and
 * cleans up: WAIT_CANCELLATION_COMPLETED), and always records the outcome in MySQL through
 * finishTask, in a non-cancellable scope.
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
import { abortSignal, abortStateQuery } from "./definitions.js";
import type { TaskActivities, TaskErrorPayload, TaskOutcome, TaskWorkflowInput } from "./definitions.js";

export async function taskWorkflow(input: TaskWorkflowInput): Promise<TaskOutcome["kind"] | "stale"> {
  const { runTask } = proxyActivities<TaskActivities>({
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
    const result = await handlerScope.run(() => runTask(input));
    if (result.stale) return "stale";
    const { stale: _stale, ...completed } = result;
    outcome = { kind: "completed", ...completed };
  } catch (err) {
    outcome = isCancellation(err)
      ? { kind: "cancelled", message: abortReason ?? "workflow cancelled" }
      : { kind: "failed", error: toTaskError(err) };
  }
  await CancellationScope.nonCancellable(() => finishTask(input, outcome));
  return outcome.kind;
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
