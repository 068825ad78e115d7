/**
 * Sorting the task list by a column header: ListTasks' `order_by` (the server's whitelist:
 * src/tasks/query-repository.ts ORDER_COLUMNS) — one field at a time from the console.
 */

export const SORTABLE = ["create_time", "update_time", "start_time", "end_time", "priority", "name", "status", "project", "type", "progress_percent"] as const;
export type SortField = (typeof SORTABLE)[number];

/** Times, priority and progress read best newest / highest first; text A to Z. */
const DESC_FIRST: ReadonlySet<SortField> = new Set(["create_time", "update_time", "start_time", "end_time", "priority", "progress_percent"]);

export interface Sort {
  field: string;
  desc: boolean;
}

/** The first term of `order_by`; empty means the server's default, `create_time desc`. */
export function parseOrder(order: string | undefined): Sort {
  const [field = "", dir = ""] = (order ?? "").split(",")[0]!.trim().split(/\s+/);
  return field ? { field, desc: dir.toLowerCase() === "desc" } : { field: "create_time", desc: true };
}

/** The order after a click on `field`'s header: the other direction if sorted by it, else its natural one. */
export function nextOrder(order: string | undefined, field: SortField): string {
  const now = parseOrder(order);
  const desc = now.field === field ? !now.desc : DESC_FIRST.has(field);
  return desc ? `${field} desc` : field;
}

export function ariaSort(order: string | undefined, field: SortField): "ascending" | "descending" | "none" {
  const now = parseOrder(order);
  return now.field !== field ? "none" : now.desc ? "descending" : "ascending";
}
