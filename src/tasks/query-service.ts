/**
 * The read use cases of TaskService: get, batch get, list, facets, events, watch (one task or a
 * list page) and wait.
 * Reads reach the caller's tasks and other tenants' PUBLIC ones (for ListTasks only with
 * `include_public`); facets stay within the caller's tenant. Nothing here writes.
 */
import { InvalidArgumentError } from "../domain/errors.js";
import { taskNotFound } from "./access.js";
import type { ListTasksInput, Selection } from "./inputs.js";
import { decodeEventToken, decodePageToken, eventPageToken, keysetPageToken, offsetPageToken } from "./page-tokens.js";
import { watchList, type ListChange } from "./list-watch.js";
import { DEFAULT_ORDER, type OrderTerm, type TaskQueryRepository } from "./query-repository.js";
import type { TaskRepository } from "./repository.js";
import { isTerminal } from "./status.js";
import type { Caller, Task, TaskEvent } from "./types.js";

/** How often WatchTask and WaitTask look at the task (they also work across replicas). */
export const WATCH_POLL_MS = 250;

export interface TaskQueryServiceDeps {
  tasks: TaskRepository;
  queries: TaskQueryRepository;
}

export class TaskQueryService {
  constructor(private readonly deps: TaskQueryServiceDeps) {}

  /** A task the caller may read: its tenant's, or another tenant's PUBLIC one. */
  async get(caller: Caller, id: string): Promise<Task> {
    const task = await this.deps.tasks.get(caller.tenant, id, { includePublic: true });
    if (!task) throw taskNotFound(id);
    return task;
  }

  /** The tasks in request order; NOT_FOUND names the first id the caller cannot read. */
  async getMany(caller: Caller, ids: readonly string[]): Promise<Task[]> {
    const found = new Map((await this.deps.tasks.getMany(caller.tenant, ids, { includePublic: true })).map((t) => [t.id, t]));
    return ids.map((id) => {
      const task = found.get(id);
      if (!task) throw taskNotFound(id);
      return task;
    });
  }

  async list(caller: Caller, input: ListTasksInput): Promise<{ tasks: Task[]; nextPageToken: string; totalSize: number }> {
    const { order, pageSize, pageToken, page, skip, ...selection } = input;
    const keyset = isDefaultOrder(order);
    const cursor = pageToken ? decodePageToken(pageToken) : undefined;
    // Offset tokens (from `page` requests or custom orders) are valid in any order; keyset
    // tokens only in the default one.
    if (cursor && "createTime" in cursor && !keyset) {
      throw new InvalidArgumentError("page_token: does not match this order_by; pass next_page_token with the same request", "page_token");
    }
    const offset = cursor && "offset" in cursor ? cursor.offset : page && page > 1 ? (page - 1) * pageSize : skip;
    const { tasks, totalSize } = await this.deps.queries.list({
      tenant: caller.tenant,
      ...selection,
      order,
      after: cursor && "createTime" in cursor ? cursor : undefined,
      offset,
      limit: pageSize + 1,
    });
    const hasMore = tasks.length > pageSize;
    const rows = hasMore ? tasks.slice(0, pageSize) : tasks;
    const last = rows[rows.length - 1];
    let nextPageToken = "";
    if (hasMore && last) {
      // Keyset for the default order (stable under inserts, fast at any depth); offset otherwise.
      nextPageToken = keyset && !page && !skip ? keysetPageToken(last) : offsetPageToken((offset ?? 0) + pageSize);
    }
    return { tasks: rows, nextPageToken, totalSize };
  }

  async filterOptions(caller: Caller, selection: Selection, labelKeys: readonly string[] = []) {
    return this.deps.queries.facets({ tenant: caller.tenant, ...selection, includePublic: false }, labelKeys);
  }

  /** A readable task's history, oldest first (a public task's events are its own tenant's rows). */
  async listEvents(caller: Caller, id: string, pageSize: number, pageToken: string): Promise<{ events: TaskEvent[]; nextPageToken: string }> {
    const task = await this.get(caller, id);
    const afterId = pageToken ? decodeEventToken(pageToken) : undefined;
    const { events } = await this.deps.tasks.listEvents(task.tenant, id, afterId, pageSize + 1);
    const hasMore = events.length > pageSize;
    const page = hasMore ? events.slice(0, pageSize) : events;
    const last = page[page.length - 1];
    return { events: page, nextPageToken: hasMore && last ? eventPageToken(last.sequence) : "" };
  }

  /** The task now and after every change, until it is terminal (or the caller goes away). */
  async *watch(caller: Caller, id: string, signal: AbortSignal): AsyncGenerator<Task> {
    let last = await this.get(caller, id);
    yield last;
    while (!isTerminal(last.status) && !signal.aborted) {
      await sleep(WATCH_POLL_MS, signal);
      if (signal.aborted) return;
      const now = await this.get(caller, id); // NOT_FOUND once deleted, or made private by its tenant
      if (now.updateTime.getTime() !== last.updateTime.getTime() || now.status !== last.status) {
        last = now;
        yield now;
      }
    }
  }

  /** One list page now and every change to it (tasks/list-watch.ts), until `signal` aborts. */
  watchList(caller: Caller, input: ListTasksInput, signal: AbortSignal): AsyncGenerator<ListChange> {
    return watchList(() => this.list(caller, input), signal);
  }

  /** Waits until the task is terminal or `timeoutMs` passed; answers the task as it is then. */
  async wait(caller: Caller, id: string, timeoutMs: number, signal: AbortSignal): Promise<Task> {
    const deadline = Date.now() + timeoutMs;
    let task = await this.get(caller, id);
    while (!isTerminal(task.status) && Date.now() < deadline && !signal.aborted) {
      await sleep(Math.min(WATCH_POLL_MS, deadline - Date.now()), signal);
      task = await this.get(caller, id);
    }
    return task;
  }
}

function isDefaultOrder(order: readonly OrderTerm[]): boolean {
  return order.length === 1 && order[0]!.column === DEFAULT_ORDER[0]!.column && order[0]!.desc;
}

/** Resolves after `ms`, or at once when `signal` aborts; leaves no listener behind. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal.addEventListener("abort", done, { once: true });
  });
}
