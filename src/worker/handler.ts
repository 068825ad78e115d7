/**
 * The contract between the TypeScript worker kit and a task handler (the code that does the
 * work for one task `type`). A handler gets its params and a context; it reports progress,
 * watches `signal` for abort, and returns a result or throws a TaskError. The Python kit
 * (workers/python) offers the same; docs/workers.md is the language-neutral contract.
 */
import type { Logger } from "pino";
import type { ItemFailure, JsonObject, RetryPolicy, TaskTimeouts } from "../tasks/types.js";

export interface HandlerContext {
  readonly taskId: string;
  /** The task's attempt (1, then +1 per RetryTask). */
  readonly attempt: number;
  /** Which Temporal attempt of this execution (1 on the first try, +1 per automatic retry). */
  readonly executionAttempt: number;
  /** Details of the last heartbeat of a previous try of this execution, to resume from. */
  readonly resumeFrom: ResumeState | undefined;
  /** Where to resume: `resumeFrom.state` when the handler saved one, else `resumeFrom.current`; undefined on a first try. */
  readonly checkpoint: JsonObject | number | undefined;
  /** Aborted when the task is aborted (or the worker shuts down); pass it to your I/O. */
  readonly signal: AbortSignal;
  readonly log: Logger;
  /**
   * Reports progress: heartbeats to Temporal (with the checkpoint) and tells Taskyard at a
   * bounded rate; Taskyard's answer says whether an abort was requested. Throws the
   * cancellation once aborted. `state` is kept with the heartbeat and comes back as
   * `checkpoint` (and `resumeFrom.state`) after a retry.
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
  /** What it does, for ListTaskTypes and `--help`. */
  readonly description: string;
  /** JSON Schema of `params`: CreateTask refuses params that break it, naming the path. */
  readonly paramsSchema?: JsonObject;
  /** JSON Schema of `result` (documentation). */
  readonly resultSchema?: JsonObject;
  /** Defaults for tasks of this type that don't set their own (else the global defaults). */
  readonly defaults?: { retryPolicy?: Partial<RetryPolicy>; timeouts?: Partial<TaskTimeouts> };
  /**
   * For a handler that processes a list of items and reports failures per item: the top-level
   * array param listing them (it must be an array property of `paramsSchema`). RetryTask with
   * `failed_items_only` then makes a new task whose param holds only the items that failed;
   * report each failure's `item` as the element itself (a string), its `id`, or its JSON text.
   */
  readonly retryItemsParam?: string;
  run(params: JsonObject, ctx: HandlerContext): Promise<HandlerResult>;
}

const HANDLER = Symbol.for("taskyard.handler");

/** Declares a handler; `taskyard worker --handlers <module>` runs every one a module exports. */
export function defineHandler(handler: TaskHandler): TaskHandler {
  return Object.freeze({ ...handler, [HANDLER]: true });
}

export function isTaskHandler(value: unknown): value is TaskHandler {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[HANDLER] === true;
}

/**
 * A failure of the handler's own making, with a stable code. `retryable: false` fails the task
 * at once (no automatic retry, and RetryTask refuses without `force`).
 */
export class TaskError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly options: { retryable?: boolean; details?: JsonObject } = {},
  ) {
    super(message);
    this.name = "TaskError";
  }

  get retryable(): boolean {
    return this.options.retryable ?? true;
  }
}
