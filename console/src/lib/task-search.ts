/**
 * The task list's whole state in the URL — filters, order, page size, page — parsed from the
 * search params, turned into a ListTasks request, and back (a saved view keeps the request).
 */
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { TaskStatus } from "@gen/taskyard/v1/task_pb.js";
import { ListTasksRequestSchema, type ListTasksRequest, type TimeRange, type TimeRangeSchema } from "@gen/taskyard/v1/task_service_pb.js";

export interface TaskSearch {
  /** Status short names, e.g. `RUNNING`. */
  status?: string[];
  type?: string;
  project?: string;
  queue?: string;
  creator?: string;
  /** Tags that must be present; `-tag` must be absent. */
  tag?: string[];
  /** `key=value` pairs. */
  label?: string[];
  /** ISO times: created / started / ended in [from, to). */
  createdFrom?: string;
  createdTo?: string;
  startedFrom?: string;
  startedTo?: string;
  endedFrom?: string;
  endedTo?: string;
  /** Free text (name, comment, label values). */
  q?: string;
  /** AIP-160 filter. */
  filter?: string;
  /** ListTasks `order_by`, e.g. `create_time desc`. */
  order?: string;
  size?: number;
  /** Cursor of the page shown (`next_page_token` of the one before). */
  cursor?: string;
  /** Cursors of the pages before the shown one, oldest first (the first page has none), for "Previous page". */
  prev?: string[];
  archived?: boolean;
  /** Id of the saved view this one started from (not part of the query). */
  view?: string;
}

export const DEFAULT_PAGE_SIZE = 25;
export const STATUS_NAMES = Object.keys(TaskStatus).filter((k) => Number.isNaN(Number(k)) && k !== "UNSPECIFIED");

const STRINGS = ["type", "project", "queue", "creator", "createdFrom", "createdTo", "startedFrom", "startedTo", "endedFrom", "endedTo", "q", "filter", "order", "cursor", "view"] as const;
const LISTS = ["status", "tag", "label", "prev"] as const;

/** Route `validateSearch`: keeps only well-formed values, so any URL gives a valid view. */
export function parseTaskSearch(raw: Record<string, unknown>): TaskSearch {
  const s: TaskSearch = {};
  for (const k of STRINGS) {
    const v = raw[k];
    if (typeof v === "string" && v.trim() !== "") s[k] = v.trim();
    else if (typeof v === "number") s[k] = String(v);
  }
  for (const k of LISTS) {
    const v = raw[k];
    const list = (Array.isArray(v) ? v : typeof v === "string" ? [v] : []).filter((x): x is string => typeof x === "string" && x.trim() !== "");
    if (list.length) s[k] = list.map((x) => x.trim());
  }
  if (s.status) s.status = s.status.filter((x) => STATUS_NAMES.includes(x));
  if (s.status?.length === 0) delete s.status;
  const size = Number(raw.size);
  if (Number.isInteger(size) && size >= 1 && size <= 500) s.size = size;
  if (raw.archived === true || raw.archived === "true") s.archived = true;
  return s;
}

function range(from?: string, to?: string): MessageInitShape<typeof TimeRangeSchema> | undefined {
  const start = from ? new Date(from) : undefined;
  const end = to ? new Date(to) : undefined;
  const ok = (d?: Date) => d !== undefined && !Number.isNaN(d.getTime());
  if (!ok(start) && !ok(end)) return undefined;
  return { startTime: ok(start) ? timestampFromDate(start!) : undefined, endTime: ok(end) ? timestampFromDate(end!) : undefined };
}

/** The ListTasks request of a view (the page included unless `withPage` is false). */
export function toListTasksRequest(s: TaskSearch, withPage = true): ListTasksRequest {
  return create(ListTasksRequestSchema, {
    pageSize: s.size ?? DEFAULT_PAGE_SIZE,
    pageToken: withPage ? (s.cursor ?? "") : "",
    filter: s.filter ?? "",
    orderBy: s.order ?? "",
    project: s.project ?? "",
    type: s.type ?? "",
    queue: s.queue ?? "",
    createdBy: s.creator ?? "",
    statuses: (s.status ?? []).map((n) => TaskStatus[n as keyof typeof TaskStatus]),
    tags: s.tag ?? [],
    labels: Object.fromEntries((s.label ?? []).filter((l) => l.includes("=")).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)])),
    createTime: range(s.createdFrom, s.createdTo),
    startTime: range(s.startedFrom, s.startedTo),
    endTime: range(s.endedFrom, s.endedTo),
    search: s.q ?? "",
    includeArchived: s.archived ?? false,
  });
}

const iso = (r: TimeRange | undefined, k: "startTime" | "endTime") => (r?.[k] ? timestampDate(r[k]!).toISOString() : undefined);

/** The view of a saved ListTasks request (the inverse of toListTasksRequest, page aside). */
export function fromListTasksRequest(r: ListTasksRequest): TaskSearch {
  return parseTaskSearch({
    status: r.statuses.map((x) => TaskStatus[x]),
    type: r.type,
    project: r.project,
    queue: r.queue,
    creator: r.createdBy,
    tag: r.tags,
    label: Object.entries(r.labels).map(([k, v]) => `${k}=${v}`),
    createdFrom: iso(r.createTime, "startTime"),
    createdTo: iso(r.createTime, "endTime"),
    startedFrom: iso(r.startTime, "startTime"),
    startedTo: iso(r.startTime, "endTime"),
    endedFrom: iso(r.endTime, "startTime"),
    endedTo: iso(r.endTime, "endTime"),
    q: r.search,
    filter: r.filter,
    order: r.orderBy,
    size: r.pageSize || undefined,
    archived: r.includeArchived,
  });
}

/** A view with one filter (or the order, or the page size) changed: back to the first page. */
export function withFilter(s: TaskSearch, change: Partial<TaskSearch>): TaskSearch {
  return compact({ ...s, ...change, cursor: undefined, prev: undefined });
}

/** The page after the shown one: `token` is the shown page's `next_page_token`. */
export function nextPage(s: TaskSearch, token: string): TaskSearch {
  return compact({ ...s, cursor: token, prev: s.cursor ? [...(s.prev ?? []), s.cursor] : undefined });
}

/** The page before the shown one (the first page when the stack is empty). */
export function previousPage(s: TaskSearch): TaskSearch {
  const prev = s.prev ?? [];
  return compact({ ...s, cursor: prev[prev.length - 1], prev: prev.slice(0, -1) });
}

/** The filters, order and page size of a view: what a saved view keeps. */
export function queryOf(s: TaskSearch): TaskSearch {
  return fromListTasksRequest(toListTasksRequest(s, false));
}

function compact(s: TaskSearch): TaskSearch {
  for (const [k, v] of Object.entries(s)) if (v === undefined || v === "" || (Array.isArray(v) && v.length === 0)) delete s[k as keyof TaskSearch];
  return s;
}
