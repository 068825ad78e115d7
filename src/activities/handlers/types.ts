/**
 * The contract between Taskyard and a task handler (the code that does the work for one task
 * `type`). A handler gets its params and a context; it reports progress, watches `signal` for
 * abort, and returns a result or throws a HandlerError.
 */
import type { Logger } from "pino";
import type { ItemFailure, JsonObject, RetryPolicy, TaskTimeouts } from "../../tasks/types.js";

export interface HandlerContext {
  readonly taskId: string;
  readonly attempt: number;
  /** Which Temporal attempt of this execution (1 on the first try, +1 per automatic retry). */
  readonly executionAttempt: number;
  /** Details of the last heartbeat of a previous try of this execution, to resume from. */
  readonly resumeFrom: ResumeState | undefined;
  /** Aborted when the task is aborted (or the worker shuts down); pass it to your I/O. */
  readonly signal: AbortSignal;
  readonly log: Logger;
  /**
   * Reports progress: heartbeats to Temporal (the handler learns of an abort only through a
   * heartbeat) and writes MySQL at a bounded rate. Throws the cancellation once aborted.
   * `state` is kept with the heartbeat and comes back as `resumeFrom.state` after a retry.
   */
  progress(current: number, total: number, message?: string, state?: JsonObject): Promise<void>;
  /**
   * Enters the final commit phase: from now on CancelTask answers FAILED_PRECONDITION. Throws
   * the cancellation when an abort arrived first.
   */
  enterCommitPhase(): Promise<void>;
  /** Publishes an output (replaces an artifact of the same name); clients see it on the task. */
  addArtifact(artifact: { name: string; uri: string; kind?: string; metadata?: Record<string, string> }): Promise<void>;
}

export interface ResumeState {
  current: number;
  total: number;
  message: string;
  state?: JsonObject;
}

export interface HandlerResult {
  result?: JsonObject;
  /** Partial success: with failed > 0 the task ends COMPLETED_WITH_ERRORS. */
  items?: { succeeded: number; failed: number; failures?: ItemFailure[] };
}

export interface TaskHandler {
  /** The task `type` this handler serves, e.g. `video.analyze`. */
  readonly type: string;
  /** What it does, for `--help` and the docs. */
  readonly description: string;
  /** Defaults for tasks of this type that don't set their own (else the global defaults). */
  readonly defaults?: { retryPolicy?: Partial<RetryPolicy>; timeouts?: Partial<TaskTimeouts> };
  run(params: JsonObject, ctx: HandlerContext): Promise<HandlerResult>;
}

/**
 * A failure of the handler's own making, with a stable code. `retryable: false` fails the task
 * at once (no automatic retry, and RetryTask refuses without `force`).
 */
export class HandlerError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly options: { retryable?: boolean; details?: JsonObject } = {},
  ) {
    super(message);
    this.name = "HandlerError";
  }

  get retryable(): boolean {
    return this.options.retryable ?? true;
  }
}
