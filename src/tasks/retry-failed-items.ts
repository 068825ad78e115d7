/**
 * RetryTask and BatchRetryTasks with `failed_items_only`: a COMPLETED_WITH_ERRORS task whose type
 * names its items param (`retry_items_param`) is not run again; a clone of it is made (CloneTask's
 * path: the same checks, queue entry and events) — a child of the source, labelled
 * `retry_of=<source id>`, whose items param holds only the items that failed. The source stays
 * as it is.
 *
 * Safe to repeat: the clone's request_id is `retry-items:<source id>:<attempt>`, so a second call
 * for the same attempt of the source (a double click, a client retry, a batch run twice) answers
 * the task the first call made, until that task is deleted; concurrent calls race on the
 * request_id's unique key and both answer the winner.
 */
import { FailedPreconditionError, InvalidArgumentError } from "../domain/errors.js";
import type { TaskTypeCatalog } from "../task-types/catalog.js";
import { notWritable } from "./access.js";
import type { BatchResult, CloneOverrides } from "./inputs.js";
import type { TaskRepository } from "./repository.js";
import type { Caller, ItemFailure, JsonValue, Task } from "./types.js";

/** The label a retry of failed items carries: the id of the task whose items failed. */
export const RETRY_OF_LABEL = "retry_of";

export interface FailedItemsRetryDeps {
  tasks: TaskRepository;
  types: TaskTypeCatalog;
  /** TaskService.clone. */
  clone(caller: Caller, id: string, overrides: CloneOverrides, start: boolean, requestId: string | null): Promise<Task>;
}

/** The new task, queued; FAILED_PRECONDITION saying why when the source has no failed items to retry. */
export async function retryFailedItems(deps: FailedItemsRetryDeps, caller: Caller, id: string): Promise<Task> {
  // Like RetryTask, a write of the caller's own task: another tenant's public one is refused.
  const source = await deps.tasks.get(caller.tenant, id);
  if (!source) throw await notWritable(deps.tasks, caller.tenant, id);
  const refuse = (why: string) => new FailedPreconditionError(`cannot retry the failed items of task ${id}: ${why}`);
  if (source.status !== "COMPLETED_WITH_ERRORS") throw refuse(`only a COMPLETED_WITH_ERRORS task has failed items; task is ${source.status}`);
  const param = await retryItemsParamOf(deps.types, caller.tenant, source.type);
  if (!param) throw refuse(`its type "${source.type}" declares no retry_items_param (docs/workers.md)`);
  if (source.itemFailures.length === 0) throw refuse("it recorded no item failures");
  // item_failures keeps the first 100: retrying those alone would silently drop the rest.
  if (source.itemsFailed > source.itemFailures.length) {
    throw refuse(`${source.itemsFailed} items failed but only ${source.itemFailures.length} are recorded in item_failures; retry the whole task`);
  }
  const listed = source.params[param] ?? [];
  if (!Array.isArray(listed)) throw refuse(`its params.${param} is not an array`);
  const params = { ...source.params, [param]: failedItems(listed, source.itemFailures) };
  try {
    return await deps.clone(caller, id, { params, labels: { [RETRY_OF_LABEL]: id } }, true, `retry-items:${id}:${source.attempt}`);
  } catch (err) {
    // The failed items alone may break the type's schema (e.g. a minItems): not the request's fault.
    if (err instanceof InvalidArgumentError && /^(overrides|task)\.params\b/.test(err.field ?? "")) {
      throw refuse(`the failed items do not make valid params of "${source.type}": ${err.message.replace(/^(overrides|task)\.params/, "params")}`);
    }
    throw err;
  }
}

/**
 * The elements of `listed` that failed, in their order, then each failed item the list does not
 * hold, as its string. An element matches a failure's `item` when `item` is the element (a
 * string), its `id` field (an object with a string or number `id`), or its JSON text.
 */
export function failedItems(listed: readonly JsonValue[], failures: readonly ItemFailure[]): JsonValue[] {
  const failed = new Set(failures.map((f) => f.item));
  const found = new Set<string>();
  const out: JsonValue[] = [];
  for (const element of listed) {
    const names = namesOf(element).filter((n) => failed.has(n));
    if (names.length === 0) continue;
    out.push(element);
    for (const n of names) found.add(n);
  }
  for (const item of failed) if (!found.has(item)) out.push(item);
  return out;
}

function namesOf(element: JsonValue): string[] {
  if (typeof element === "string") return [element];
  const names = [JSON.stringify(element)];
  if (element !== null && typeof element === "object" && !Array.isArray(element) && (typeof element.id === "string" || typeof element.id === "number")) {
    names.push(String(element.id));
  }
  return names;
}

/** The type's items param; undefined when it names none (or is no longer registered). */
async function retryItemsParamOf(types: TaskTypeCatalog, tenant: string, type: string): Promise<string | undefined> {
  try {
    return (await types.require(tenant, type, "id")).retryItemsParam;
  } catch (err) {
    if (err instanceof InvalidArgumentError) return undefined;
    throw err;
  }
}

/**
 * Runs `retry` through `run` (TaskService.batch over the targeted tasks) and names, on each
 * result that succeeded, the task it made.
 */
export async function withNewTaskIds(run: (op: (id: string) => Promise<unknown>) => Promise<BatchResult[]>, retry: (id: string) => Promise<Task>): Promise<BatchResult[]> {
  const made = new Map<string, string>();
  const results = await run(async (id) => made.set(id, (await retry(id)).id));
  return results.map((r) => (r.ok ? { ...r, newTaskId: made.get(r.id) } : r));
}
