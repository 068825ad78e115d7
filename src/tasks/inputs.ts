/** What the task use cases take in: validated requests (rpc/validate.ts builds them). */
import { DomainError } from "../domain/errors.js";
import type { OrderTerm, TaskSelection } from "./query-repository.js";
import type { Artifact, NewTask, Visibility } from "./types.js";

/** Most tasks one Batch… RPC touches; a filter matching more is refused. */
export const BATCH_LIMIT = 1000;

export interface CreateTaskInput {
  task: NewTask;
  requestId: string | null;
  validateOnly: boolean;
  start: boolean;
}

export type Selection = Omit<TaskSelection, "tenant">;

export interface ListTasksInput extends Selection {
  order: readonly OrderTerm[];
  pageSize: number;
  pageToken?: string;
  page?: number;
  /** Tasks to skip before the page (first requests only). */
  skip?: number;
}

/** Spec and metadata a client may change with UpdateTask (the field mask's paths). */
export interface TaskUpdate {
  name?: string;
  comment?: string;
  tags?: string[];
  labels?: Record<string, string>;
  project?: string;
  /** Needs admin (rpc/authz.ts); allowed on a published task too. */
  visibility?: Visibility;
  /** The whole new list; while the task runs only with `force` (its handler may be adding some). */
  artifacts?: Artifact[];
  // Spec fields: only while PENDING unless `force`.
  type?: string;
  params?: NewTask["params"];
  queue?: string;
  priority?: number;
  retryPolicy?: NewTask["retryPolicy"];
  timeouts?: NewTask["timeouts"];
  dedupeKey?: string | null;
}
/** Fields of TaskUpdate that only a PENDING task may change (unless `force`). */
export const SPEC_FIELDS = ["type", "params", "queue", "priority", "retryPolicy", "timeouts", "dedupeKey"] as const;

export interface CloneOverrides {
  name?: string;
  params?: NewTask["params"];
  labels?: Record<string, string>;
  tags?: string[];
  project?: string;
  queue?: string;
  parentId?: string;
  priority?: number;
}

/** One task's outcome inside a Batch… RPC. */
export interface BatchResult {
  id: string;
  ok: boolean;
  error?: DomainError;
  /** The task the operation made (BatchRetryTasks with failed_items_only). */
  newTaskId?: string;
}

/** How a Batch… RPC picks its tasks: explicit ids, or a selection (an AIP-160 filter). */
export type BatchTarget = { ids: readonly string[] } | { selection: Selection };

/** Runs `op` for each id in turn, one result each; a domain failure of one does not stop the rest. */
export async function eachTask(ids: readonly string[], op: (id: string, index: number) => Promise<unknown>): Promise<BatchResult[]> {
  const results: BatchResult[] = [];
  for (const [index, id] of ids.entries()) {
    try {
      await op(id, index);
      results.push({ id, ok: true });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      results.push({ id, ok: false, error: err });
    }
  }
  return results;
}
