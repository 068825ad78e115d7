/**
 * Bulk actions on tasks, by selection or by query: the dry-run count, the ids a by-query action
 * touches (ListTasks paged with the view's own request, at most BATCH_LIMIT), the batch calls in
 * chunks the RPCs accept, and the summary of their per-task results. Pure apart from the client
 * passed in, so tests run it against a fake TaskService.
 */
import type { Client } from "@connectrpc/connect";
import { TaskStatus } from "@gen/taskyard/v1/task_pb.js";
import type { BatchTaskResult, ListTasksRequest, TaskService } from "@gen/taskyard/v1/task_service_pb.js";

/** The batch RPCs take at most this many ids (task_service.proto: "at most 1,000"). */
export const BATCH_LIMIT = 1000;
/** ListTasks' largest page. */
export const LIST_PAGE_SIZE = 500;

export type BulkAction = "abort" | "retry" | "retryFailedItems" | "archive" | "tag" | "move" | "delete";

export interface BulkActionInfo {
  action: BulkAction;
  /** The menu item's and the confirm button's name. */
  label: string;
  /** Completes "This will … N tasks". */
  verb: string;
}

export const BULK_ACTIONS: readonly BulkActionInfo[] = [
  { action: "abort", label: "Abort", verb: "abort" },
  { action: "retry", label: "Retry", verb: "retry" },
  { action: "retryFailedItems", label: "Retry failed items", verb: "retry the failed items of" },
  { action: "archive", label: "Archive", verb: "archive" },
  { action: "tag", label: "Tag", verb: "change the tags of" },
  { action: "move", label: "Move", verb: "move" },
  { action: "delete", label: "Delete", verb: "delete" },
];

export function actionInfo(action: BulkAction): BulkActionInfo {
  return BULK_ACTIONS.find((a) => a.action === action)!;
}

/** What the actions need beyond the ids. */
export interface BulkOptions {
  /** Abort / Retry: recorded in the event history. */
  reason?: string;
  addTags?: string[];
  removeTags?: string[];
  /** Move: the target project. */
  project?: string;
  /** Delete: abort live tasks first instead of refusing them. */
  force?: boolean;
}

export type BulkClient = Pick<
  Client<typeof TaskService>,
  "listTasks" | "batchCancelTasks" | "batchRetryTasks" | "batchArchiveTasks" | "batchUpdateTaskTags" | "batchMoveTasksToProject" | "batchDeleteTasks"
>;

const fromStart = { pageToken: "", page: 0, skip: 0 };

/**
 * The view's request narrowed to what the action can touch, or null when it can touch nothing.
 * Only COMPLETED_WITH_ERRORS tasks have failed items, so "Retry failed items" counts only them.
 */
export function scopedQuery(action: BulkAction, query: ListTasksRequest): ListTasksRequest | null {
  if (action !== "retryFailedItems") return query;
  const cwe = TaskStatus.COMPLETED_WITH_ERRORS;
  if (query.statuses.length > 0 && !query.statuses.includes(cwe)) return null;
  return { ...query, statuses: [cwe] };
}

/** The dry run's request: one task, for `total_size`. */
export function dryRunRequest(query: ListTasksRequest): ListTasksRequest {
  return { ...query, ...fromStart, pageSize: 1 };
}

/** "This will retry 2 tasks", with the 1,000 cap spelled out when the query matches more. */
export function dryRunMessage(action: BulkAction, total: number): { text: string; capped?: string } {
  const text = `This will ${actionInfo(action).verb} ${countText(total)}.`;
  if (total <= BATCH_LIMIT) return { text };
  return { text, capped: `Only the first ${BATCH_LIMIT.toLocaleString("en-US")} are touched: a batch takes at most ${BATCH_LIMIT.toLocaleString("en-US")} tasks. Run it again for the rest.` };
}

export function countText(n: number): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? "task" : "tasks"}`;
}

/**
 * The ids of the tasks the query matches, in its order, at most `limit`: ListTasks paged with the
 * same request (a page token needs the other fields unchanged). `total` is the first page's
 * `total_size`.
 */
export async function collectIds(client: Pick<BulkClient, "listTasks">, query: ListTasksRequest, limit = BATCH_LIMIT, signal?: AbortSignal): Promise<{ ids: string[]; total: number }> {
  const ids: string[] = [];
  let total = 0;
  let pageToken = "";
  for (let first = true; first || (pageToken && ids.length < limit); first = false) {
    const res = await client.listTasks({ ...query, ...fromStart, pageSize: LIST_PAGE_SIZE, pageToken }, { signal });
    if (first) total = res.totalSize;
    for (const t of res.tasks) if (ids.length < limit) ids.push(t.id);
    pageToken = res.nextPageToken;
  }
  return { ids, total };
}

/** Runs the action on `ids` in chunks of at most BATCH_LIMIT; every chunk's results, in order. */
export async function runBulk(client: BulkClient, action: BulkAction, ids: readonly string[], options: BulkOptions = {}, signal?: AbortSignal): Promise<BatchTaskResult[]> {
  const results: BatchTaskResult[] = [];
  for (let i = 0; i < ids.length; i += BATCH_LIMIT) {
    results.push(...(await callBatch(client, action, ids.slice(i, i + BATCH_LIMIT), options, signal)));
  }
  return results;
}

async function callBatch(client: BulkClient, action: BulkAction, ids: string[], o: BulkOptions, signal?: AbortSignal): Promise<BatchTaskResult[]> {
  const opts = { signal };
  switch (action) {
    case "abort":
      return (await client.batchCancelTasks({ ids, reason: o.reason ?? "" }, opts)).results;
    case "retry":
      return (await client.batchRetryTasks({ ids, reason: o.reason ?? "" }, opts)).results;
    case "retryFailedItems":
      return (await client.batchRetryTasks({ ids, failedItemsOnly: true }, opts)).results;
    case "archive":
      return (await client.batchArchiveTasks({ ids }, opts)).results;
    case "tag":
      return (await client.batchUpdateTaskTags({ ids, addTags: o.addTags ?? [], removeTags: o.removeTags ?? [] }, opts)).results;
    case "move":
      return (await client.batchMoveTasksToProject({ ids, project: o.project ?? "" }, opts)).results;
    case "delete":
      return (await client.batchDeleteTasks({ ids, force: o.force ?? false }, opts)).results;
  }
}

export interface BulkSummary {
  succeeded: number;
  failed: number;
  /** "3 succeeded, 1 failed". */
  text: string;
}

export function summarise(results: readonly BatchTaskResult[]): BulkSummary {
  const succeeded = results.filter((r) => r.ok).length;
  const failed = results.length - succeeded;
  return { succeeded, failed, text: `${succeeded} succeeded, ${failed} failed` };
}

/** What the confirm dialog's fields hold, as typed. */
export interface BulkFields {
  reason: string;
  addTags: string;
  removeTags: string;
  project: string;
  force: boolean;
}

export const EMPTY_FIELDS: BulkFields = { reason: "", addTags: "", removeTags: "", project: "", force: false };

export function fieldsValid(action: BulkAction, f: BulkFields): boolean {
  if (action === "tag") return parseTags(f.addTags).length + parseTags(f.removeTags).length > 0;
  if (action === "move") return f.project.trim() !== "";
  return true;
}

export function toOptions(action: BulkAction, f: BulkFields): BulkOptions {
  switch (action) {
    case "abort":
    case "retry":
      return { reason: f.reason.trim() };
    case "tag":
      return { addTags: parseTags(f.addTags), removeTags: parseTags(f.removeTags) };
    case "move":
      return { project: f.project.trim() };
    case "delete":
      return { force: f.force };
    default:
      return {};
  }
}

/** Tags typed as "a, b c": distinct, in order. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((t) => t !== ""))];
}
