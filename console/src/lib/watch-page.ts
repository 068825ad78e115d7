/**
 * The page WatchTasks keeps current: its first message is the whole page, later ones only what
 * changed (tasks that changed or entered the page, ids that left it, the ids in order, the total
 * and the next page's token). Pure, so the hook only feeds it messages.
 */
import type { Task } from "@gen/taskyard/v1/task_pb.js";
import type { ListTasksResponse, WatchTasksResponse } from "@gen/taskyard/v1/task_service_pb.js";

export interface TaskPage {
  tasks: Task[];
  totalSize: number;
  nextPageToken: string;
}

export function pageOfList(r: ListTasksResponse): TaskPage {
  return { tasks: r.tasks, totalSize: r.totalSize, nextPageToken: r.nextPageToken };
}

/** The page after `msg`. A diff before any snapshot applies to an empty page. */
export function applyWatchResponse(page: TaskPage | undefined, msg: WatchTasksResponse): TaskPage {
  const byId = new Map<string, Task>(msg.snapshot || !page ? [] : page.tasks.map((t) => [t.id, t]));
  for (const t of msg.tasks) byId.set(t.id, t);
  for (const id of msg.removedIds) byId.delete(id);
  // `ids` is the page in order after the change; a snapshot that leaves it out keeps the tasks' order.
  const order = msg.ids.length > 0 || !msg.snapshot ? msg.ids : msg.tasks.map((t) => t.id);
  const tasks = order.map((id) => byId.get(id)).filter((t): t is Task => t !== undefined);
  return { tasks, totalSize: msg.totalSize, nextPageToken: msg.nextPageToken };
}
