/**
 * The whitelist: the only filter field names accepted, and the only SQL column text the
 * compiler ever writes. Columns belong to the tasks table under alias `t`.
 */

/**
 * How a field's values are parsed and which comparators it takes (see compile.ts).
 * - string: all comparators; `:` is substring; `*` in an `=`/`!=` value is a wildcard.
 * - status: `=` `!=`; `RUNNING` or `TASK_STATUS_RUNNING`, any case.
 * - integer / number / timestamp: `=` `!=` `<` `<=` `>` `>=`.
 * - boolean: `=` `!=`; `true` / `false`, any case.
 * - tags: `:` only (`tags:gpu` — the JSON array holds "gpu").
 * - labels: `:` only (`labels:env` — the JSON object has key "env"); values via `labels.<key>`.
 * Every kind also takes `field:*` ("is set").
 */
export type FieldKind = "string" | "status" | "integer" | "number" | "boolean" | "timestamp" | "tags" | "labels";

export interface FilterField {
  readonly column: string;
  readonly kind: FieldKind;
  /** Inclusive bounds for integer fields. */
  readonly min?: number;
  readonly max?: number;
  /** An ASCII-only column (task ids): a non-ASCII value is refused, since MariaDB cannot compare it. */
  readonly ascii?: true;
}

const INT32_MAX = 2_147_483_647;

/** A Map, not an object literal, so `constructor` or `__proto__` can never resolve to a field. */
export const FILTER_FIELDS: ReadonlyMap<string, FilterField> = new Map<string, FilterField>([
  ["id", { column: "t.id", kind: "string", ascii: true }],
  ["name", { column: "t.name", kind: "string" }],
  ["type", { column: "t.type", kind: "string" }],
  ["project", { column: "t.project", kind: "string" }],
  ["queue", { column: "t.queue", kind: "string" }],
  ["status", { column: "t.status", kind: "status" }],
  ["priority", { column: "t.priority", kind: "integer", min: 0, max: 100 }],
  ["created_by", { column: "t.created_by", kind: "string" }],
  ["parent_id", { column: "t.parent_id", kind: "string", ascii: true }],
  ["comment", { column: "t.comment", kind: "string" }],
  ["attempt", { column: "t.attempt", kind: "integer", min: 0, max: INT32_MAX }],
  ["archived", { column: "t.archived", kind: "boolean" }],
  ["visibility", { column: "t.visibility", kind: "string" }],
  ["create_time", { column: "t.create_time", kind: "timestamp" }],
  ["update_time", { column: "t.update_time", kind: "timestamp" }],
  ["start_time", { column: "t.start_time", kind: "timestamp" }],
  ["end_time", { column: "t.end_time", kind: "timestamp" }],
  ["queue_time", { column: "t.queue_time", kind: "timestamp" }],
  ["progress.percent", { column: "t.progress_percent", kind: "number" }],
  ["tags", { column: "t.tags", kind: "tags" }],
  ["labels", { column: "t.labels", kind: "labels" }],
]);

/** `labels.<key>` addresses one label; the key goes into a JSON path parameter `$."<key>"`. */
export const LABELS_PREFIX = "labels.";
/** No quote or backslash can appear, so `$."<key>"` is always a well-formed single-key path. */
export const LABEL_KEY = /^[A-Za-z0-9_.-]{1,63}$/;

/** Short names of taskyard.v1.TaskStatus, as stored in t.status (one list: the state machine's). */
export { TASK_STATUSES } from "../status.js";

/** For "unknown field" messages. */
export const ALLOWED_FIELDS_TEXT = [...FILTER_FIELDS.keys(), `${LABELS_PREFIX}<key>`].join(", ");
