/**
 * What the client commands print: borderless tables (cli-table3) for people — columns line up
 * like kubectl's, so `grep` and `awk` work on them — and protobuf JSON (`--json`) for scripts, in
 * the API's own JSON mapping (enum names, RFC 3339 times, int64 as strings).
 */
import { toJson, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { timestampDate, type Duration, type Timestamp } from "@bufbuild/protobuf/wkt";
import Table from "cli-table3";
import type { Progress, Task } from "../../gen/taskyard/v1/task_pb.js";
import { statusName } from "../../client/status.js";

const PLAIN = { "padding-left": 0, "padding-right": 0, head: [], border: [] };
const NO_BORDER = Object.fromEntries(
  ["top", "top-mid", "top-left", "top-right", "bottom", "bottom-mid", "bottom-left", "bottom-right", "left", "left-mid", "mid", "mid-mid", "right", "right-mid"].map((k) => [k, ""]),
);

function render(table: Table.Table): string {
  return table.toString().split("\n").map((line) => line.trimEnd()).join("\n") + "\n";
}

/** A table with a header row; cells are strings. */
export function table(head: string[], rows: string[][]): string {
  const t = new Table({ head, chars: { ...NO_BORDER, middle: "  " }, style: PLAIN });
  t.push(...rows);
  return render(t);
}

/** `Key:  value` lines for one object; empty values are left out. */
export function details(entries: Array<[string, string | undefined]>): string {
  const t = new Table({ chars: { ...NO_BORDER, middle: "  " }, style: PLAIN });
  t.push(...entries.filter(([, v]) => v !== undefined && v !== "").map(([k, v]) => [`${k}:`, v!]));
  return render(t);
}

export function json<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>, compact = false): string {
  return JSON.stringify(toJson(schema, message), null, compact ? undefined : 2) + "\n";
}

export const time = (ts: Timestamp | undefined): string => (ts ? timestampDate(ts).toISOString() : "");

export function duration(d: Duration | undefined): string {
  if (!d) return "";
  const s = Number(d.seconds) + d.nanos / 1e9;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${Math.round(s % 60)}s`;
  return `${Math.floor(s / 3600)}h${Math.round((s % 3600) / 60)}m`;
}

/** `3/10 30%`, or `30%` when the handler gave no total; empty before any report. */
export function progressText(p: Progress | undefined): string {
  if (!p || (p.total === 0n && p.current === 0n && p.percent === 0)) return "";
  return p.total > 0n ? `${p.current}/${p.total} ${Math.round(p.percent)}%` : `${Math.round(p.percent)}%`;
}

export const keyValues = (m: Record<string, string>): string =>
  Object.entries(m)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");

export const compactJson = (v: unknown): string => (v === undefined || (typeof v === "object" && v !== null && Object.keys(v).length === 0) ? "" : JSON.stringify(v));

/** The status with its reason, e.g. `QUEUED (DISPATCHED)`. */
export const statusText = (t: Task): string => (t.statusReason ? `${statusName(t.status)} (${t.statusReason})` : statusName(t.status));

export function taskDetails(t: Task): string {
  return details([
    ["ID", t.id],
    ["Name", t.name],
    ["Type", t.type],
    ["Status", statusText(t)],
    ["Message", t.statusMessage],
    ["Progress", [progressText(t.progress), t.progress?.message].filter(Boolean).join(" ")],
    ["Project", t.project],
    ["Queue", t.queue],
    ["Priority", String(t.priority)],
    ["Attempt", t.attempt ? String(t.attempt) : ""],
    ["Labels", keyValues(t.labels)],
    ["Tags", t.tags.join(", ")],
    ["Params", compactJson(t.params)],
    ["Result", compactJson(t.result)],
    ["Error", t.error ? `${t.error.code}: ${t.error.message}${t.error.retryable ? "" : " (not retryable)"}` : ""],
    ["Items", t.itemsSucceeded || t.itemsFailed ? `${t.itemsSucceeded} succeeded, ${t.itemsFailed} failed` : ""],
    ["Parent", t.parentId],
    ["Created by", t.createdBy],
    ["Created", time(t.createTime)],
    ["Started", time(t.startTime)],
    ["Ended", time(t.endTime)],
    ["Temporal UI", t.temporalUiUrl],
  ]);
}

export function taskRows(tasks: Task[]): string {
  return table(
    ["ID", "NAME", "TYPE", "STATUS", "PROGRESS", "QUEUE", "PRIORITY", "CREATED"],
    tasks.map((t) => [t.id, t.name, t.type, statusName(t.status), progressText(t.progress), t.queue, String(t.priority), time(t.createTime)]),
  );
}
