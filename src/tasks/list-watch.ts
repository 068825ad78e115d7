/**
 * WatchTasks: one page of a ListTasks query, watched by re-running the query every
 * LIST_WATCH_POLL_MS and sending only the difference. Polling MySQL (not Temporal) makes it work
 * across replicas, and sees every change any replica or worker wrote. A task counts as changed
 * when its update_time, status or progress differ: transitions, patches, dispatch and progress
 * reports all bump update_time, and status and progress are compared too because two writes may
 * land in the same millisecond of a datetime(3).
 */
import { setTimeout as delay } from "node:timers/promises";
import type { Task } from "./types.js";

/** How often a watched page is read again. */
export const LIST_WATCH_POLL_MS = 500;

/** One page as ListTasks answers it. */
export interface ListPage {
  tasks: Task[];
  totalSize: number;
  nextPageToken: string;
}

/** The first message (`snapshot`: the whole page) or one change to it. */
export interface ListChange {
  snapshot: boolean;
  /** The whole page (snapshot), or the tasks that changed or entered it. */
  tasks: Task[];
  /** Ids that left the page. */
  removedIds: string[];
  /** The page's ids in order, now. */
  ids: string[];
  totalSize: number;
  nextPageToken: string;
}

/**
 * The page now, then every change to it, until `signal` aborts (client gone, server shutdown).
 * Nothing is sent while nothing changes. Errors of `read` end the stream (e.g. UNAVAILABLE).
 */
export async function* watchList(read: () => Promise<ListPage>, signal: AbortSignal, pollMs = LIST_WATCH_POLL_MS): AsyncGenerator<ListChange> {
  let last = await read();
  yield { snapshot: true, tasks: last.tasks, removedIds: [], ids: last.tasks.map((t) => t.id), totalSize: last.totalSize, nextPageToken: last.nextPageToken };
  while (!signal.aborted) {
    await delay(pollMs, undefined, { signal }).catch(() => undefined);
    if (signal.aborted) return;
    const now = await read();
    const change = diffPages(last, now);
    last = now;
    if (change) yield change;
  }
}

/** What changed from `before` to `after`, or undefined when nothing did. */
export function diffPages(before: ListPage, after: ListPage): ListChange | undefined {
  const seen = new Map(before.tasks.map((t) => [t.id, fingerprint(t)]));
  const ids = after.tasks.map((t) => t.id);
  const changed = after.tasks.filter((t) => seen.get(t.id) !== fingerprint(t));
  const present = new Set(ids);
  const removedIds = before.tasks.filter((t) => !present.has(t.id)).map((t) => t.id);
  const sameOrder = ids.length === before.tasks.length && ids.every((id, i) => before.tasks[i]!.id === id);
  if (changed.length === 0 && removedIds.length === 0 && sameOrder && after.totalSize === before.totalSize && after.nextPageToken === before.nextPageToken) {
    return undefined;
  }
  return { snapshot: false, tasks: changed, removedIds, ids, totalSize: after.totalSize, nextPageToken: after.nextPageToken };
}

function fingerprint(t: Task): string {
  const p = t.progress;
  return `${t.updateTime.getTime()}|${t.status}|${p.current}|${p.total}|${p.percent}|${p.message}`;
}
