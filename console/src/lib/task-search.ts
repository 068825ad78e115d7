/** The task list's state in the URL (filters, order, page): parsed, and turned into a ListTasks request. */
export interface TaskSearch {
  q?: string;
}

export function parseTaskSearch(s: Record<string, unknown>): TaskSearch {
  return typeof s.q === "string" ? { q: s.q } : {};
}
