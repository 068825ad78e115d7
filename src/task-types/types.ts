/** Domain types of the task-type registry (docs/workers.md). */
import type { JsonObject, RetryPolicy, TaskDefaults, TaskTimeouts } from "../tasks/types.js";
import { DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUTS } from "../tasks/types.js";

/** What a worker says about a type it serves. */
export interface TaskTypeSpec {
  type: string;
  description: string;
  /** JSON Schema a task's params must match; undefined accepts any object. */
  paramsSchema: JsonObject | undefined;
  resultSchema: JsonObject | undefined;
  retryPolicy: Partial<RetryPolicy>;
  timeouts: Partial<TaskTimeouts>;
  /**
   * The top-level array param that lists the items a task of the type processes, so RetryTask
   * with `failed_items_only` can rerun only the failed ones; undefined when the type names none.
   */
  retryItemsParam?: string;
}

/** A registered type as ListTaskTypes shows it. */
export interface TaskType extends TaskTypeSpec {
  queues: string[];
  workersOnline: number;
  lastSeenTime: Date | null;
  createTime: Date;
  updateTime: Date;
}

export interface WorkerRegistration {
  workerId: string;
  identity: string;
  sdk: string;
  /** "all": every queue of the tenant (`all_queues`). */
  queues: string[] | "all";
  types: TaskTypeSpec[];
}

/** A queue a worker serves, with the Temporal task queue its handler task queues derive from. */
export interface ServedQueue {
  name: string;
  temporalTaskQueue: string;
}

/** Where a worker polls the activities of one type on one queue. */
export interface WorkerAssignment {
  queue: string;
  type: string;
  temporalTaskQueue: string;
}

/** A type's execution defaults: its own where set, else the global ones. */
export function defaultsOf(spec: Pick<TaskTypeSpec, "retryPolicy" | "timeouts"> | undefined): TaskDefaults {
  return {
    retryPolicy: { ...DEFAULT_RETRY_POLICY, ...spec?.retryPolicy },
    timeouts: { ...DEFAULT_TIMEOUTS, ...spec?.timeouts },
  };
}

/**
 * The Temporal task queue on which the handler activities of `type` run for a queue whose
 * Temporal task queue is `base`, in `tenant`: one per (tenant, queue, type), so a worker only
 * ever receives activities it has registered, of its own tenant.
 */
export function handlerTaskQueue(base: string, tenant: string, type: string): string {
  return `${base}/${tenant}/${type}`;
}
