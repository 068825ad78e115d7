/**
 * AST → parameterised MySQL/MariaDB WHERE fragment.
 *
 * Guarantees (checked by test/unit/filter.test.ts, including a randomised hostile-input test):
 * - every value the user wrote becomes a `?` parameter; none is spliced into the SQL text;
 * - column text comes only from fields.ts; operator text only from the fixed tables below;
 * - the fragment is self-contained: AND/OR groups are always parenthesised, so
 *   `tenant = ? AND ${sql}` can never be widened by a top-level OR;
 * - NULL columns count as "no match" and their negation as "match": NOT compiles to
 *   `(x) IS NOT TRUE` and `!=` to `NOT (col <=> ?)`, so `-comment:foo` and `parent_id != "x"`
 *   include tasks with no comment / no parent instead of silently dropping them.
 */
import { filterError, quote } from "./lexer.js";
import type { Comparator } from "./lexer.js";
import type { FilterNode, FilterValue, RestrictionNode } from "./parser.js";
import { ALLOWED_FIELDS_TEXT, FILTER_FIELDS, LABEL_KEY, LABELS_PREFIX, TASK_STATUSES } from "./fields.js";
import type { FilterField } from "./fields.js";

export interface SqlFragment {
  readonly sql: string;
  readonly params: unknown[];
}

/** A column expression and the parameters its own `?`s need (the JSON path for `labels.<key>`). */
interface Column {
  readonly sql: string;
  readonly params: readonly unknown[];
}

const EQUALITY: readonly Comparator[] = ["=", "!="];
const ORDERED: readonly Comparator[] = ["=", "!=", "<", "<=", ">", ">="];
const STRING_OPS: readonly Comparator[] = [...ORDERED, ":"];
const LABEL_VALUE_OPS: readonly Comparator[] = ["=", "!=", ":"];
const HAS: readonly Comparator[] = [":"];
const SQL_COMPARISON: Readonly<Record<"=" | "<" | "<=" | ">" | ">=", string>> = {
  "=": "=",
  "<": "<",
  "<=": "<=",
  ">": ">",
  ">=": ">=",
};
const LABELS_COLUMN = FILTER_FIELDS.get("labels")!.column;

/** Compiles a parsed filter. Throws InvalidArgumentError for unknown fields and bad values. */
export function compileNode(node: FilterNode): SqlFragment {
  const params: unknown[] = [];
  const sql = emit(node, params);
  return { sql, params };
}

function emit(node: FilterNode, params: unknown[]): string {
  switch (node.kind) {
    case "and":
    case "or": {
      const joiner = node.kind === "and" ? " AND " : " OR ";
      return `(${node.children.map((child) => emit(child, params)).join(joiner)})`;
    }
    case "not":
      return `(${emit(node.child, params)}) IS NOT TRUE`;
    case "restriction":
      return restriction(node, params);
  }
}

function restriction(r: RestrictionNode, params: unknown[]): string {
  if (r.field.startsWith(LABELS_PREFIX)) return labelValue(r, params);
  const field = FILTER_FIELDS.get(r.field);
  if (!field) {
    throw filterError(
      `unknown field ${quote(r.field)} at position ${r.fieldPosition}; allowed fields: ${ALLOWED_FIELDS_TEXT}`,
    );
  }
  const column: Column = { sql: field.column, params: [] };
  if (r.op === ":" && isPresence(r.value)) return presence(field, params);
  switch (field.kind) {
    case "string":
      // Comparing an ASCII column with a non-ASCII parameter is an SQL error ("Illegal mix of collations").
      if (field.ascii && /[^\x00-\x7f]/.test(r.value.text)) invalidValue(r, "ASCII characters only");
      return stringCondition(column, r, STRING_OPS, params);
    case "status":
      requireOps(r, EQUALITY);
      return compare(column, r.op, parseStatus(r), params);
    case "integer":
      requireOps(r, ORDERED);
      return compare(column, r.op, parseInteger(r, field), params);
    case "number":
      requireOps(r, ORDERED);
      return compare(column, r.op, parseNumber(r), params);
    case "boolean":
      requireOps(r, EQUALITY);
      return compare(column, r.op, parseBoolean(r), params);
    case "timestamp":
      requireOps(r, ORDERED);
      return compare(column, r.op, parseTimestampValue(r), params);
    case "tags":
      requireOps(r, HAS);
      if (r.value.segments.length > 1) {
        throw filterError(`wildcards are not supported on 'tags' (value at position ${r.value.position})`);
      }
      params.push(r.value.text);
      return `JSON_CONTAINS(${field.column}, JSON_QUOTE(?))`;
    case "labels":
      requireOps(r, HAS);
      params.push(labelPath(r.value.text, r.value.position));
      return `JSON_CONTAINS_PATH(${field.column}, 'one', ?)`;
  }
}

/** `labels.<key> op value`: a string comparison on the label's value. */
function labelValue(r: RestrictionNode, params: unknown[]): string {
  const path = labelPath(r.field.slice(LABELS_PREFIX.length), r.fieldPosition);
  if (r.op === ":" && isPresence(r.value)) {
    params.push(path);
    return `JSON_CONTAINS_PATH(${LABELS_COLUMN}, 'one', ?)`;
  }
  const column: Column = { sql: `JSON_UNQUOTE(JSON_EXTRACT(${LABELS_COLUMN}, ?))`, params: [path] };
  return stringCondition(column, r, LABEL_VALUE_OPS, params);
}

/** The JSON path `$."<key>"` for a label key, after checking the key against LABEL_KEY. */
function labelPath(key: string, position: number): string {
  if (!LABEL_KEY.test(key)) {
    throw filterError(
      `invalid label key ${quote(key)} at position ${position}; keys are 1-63 characters of A-Z a-z 0-9 _ . -`,
    );
  }
  return `$."${key}"`;
}

/** `field:*` — AIP-160's "the field is set". */
function isPresence(value: FilterValue): boolean {
  return value.segments.length === 2 && value.segments[0] === "" && value.segments[1] === "";
}

function presence(field: FilterField, params: unknown[]): string {
  switch (field.kind) {
    case "string":
      params.push("");
      return `${field.column} <> ?`;
    case "tags":
    case "labels":
      params.push(0);
      return `JSON_LENGTH(${field.column}) > ?`;
    default:
      return `${field.column} IS NOT NULL`;
  }
}

/** `:` is substring; an unescaped `*` in an `=` / `!=` value is a wildcard; the rest compare. */
function stringCondition(column: Column, r: RestrictionNode, ops: readonly Comparator[], params: unknown[]): string {
  requireOps(r, ops);
  const { segments } = r.value;
  if (r.op === ":") return like(column, `%${segments.map(escapeLike).join("%")}%`, false, params);
  if (segments.length > 1) {
    if (r.op !== "=" && r.op !== "!=") {
      throw filterError(
        `wildcard '*' at position ${r.value.position} needs '=', '!=' or ':', not '${r.op}' (write \\* inside quotes for a literal star)`,
      );
    }
    return like(column, segments.map(escapeLike).join("%"), r.op === "!=", params);
  }
  return compare(column, r.op, r.value.text, params);
}

/**
 * `!` is the LIKE escape character rather than the default backslash, whose meaning in a
 * string literal depends on the server's NO_BACKSLASH_ESCAPES mode.
 */
function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, "!$&");
}

function like(column: Column, pattern: string, negate: boolean, params: unknown[]): string {
  params.push(...column.params, pattern);
  const sql = `${column.sql} LIKE ? ESCAPE '!'`;
  return negate ? `(${sql}) IS NOT TRUE` : sql;
}

function compare(column: Column, op: Comparator, value: unknown, params: unknown[]): string {
  params.push(...column.params, value);
  if (op === "!=") return `NOT (${column.sql} <=> ?)`;
  if (op === ":") throw new Error("unreachable: ':' is handled before compare()");
  return `${column.sql} ${SQL_COMPARISON[op]} ?`;
}

function requireOps(r: RestrictionNode, allowed: readonly Comparator[]): void {
  if (!allowed.includes(r.op)) {
    throw filterError(
      `operator '${r.op}' at position ${r.opPosition} is not supported on field ${quote(r.field)}; use ${allowed.join(" ")}`,
    );
  }
}

function invalidValue(r: RestrictionNode, expected: string): never {
  throw filterError(
    `invalid value ${quote(r.value.text)} for field ${quote(r.field)} at position ${r.value.position}; expected ${expected}`,
  );
}

function parseStatus(r: RestrictionNode): string {
  const upper = /^[A-Za-z_]+$/.test(r.value.text) ? r.value.text.toUpperCase() : "";
  const short = upper.startsWith("TASK_STATUS_") ? upper.slice("TASK_STATUS_".length) : upper;
  if (!(TASK_STATUSES as readonly string[]).includes(short)) {
    invalidValue(r, `one of ${TASK_STATUSES.join(", ")} (optionally prefixed TASK_STATUS_)`);
  }
  return short;
}

function parseInteger(r: RestrictionNode, field: FilterField): number {
  const min = field.min ?? Number.MIN_SAFE_INTEGER;
  const max = field.max ?? Number.MAX_SAFE_INTEGER;
  const value = /^[+-]?\d{1,16}$/.test(r.value.text) ? Number(r.value.text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    invalidValue(r, `an integer from ${min} to ${max}`);
  }
  return value;
}

function parseNumber(r: RestrictionNode): number {
  const ok = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(r.value.text);
  const value = ok ? Number(r.value.text) : Number.NaN;
  if (!Number.isFinite(value)) invalidValue(r, "a number");
  return value;
}

function parseBoolean(r: RestrictionNode): boolean {
  const lower = r.value.text.toLowerCase();
  if (lower !== "true" && lower !== "false") invalidValue(r, "true or false");
  return lower === "true";
}

function parseTimestampValue(r: RestrictionNode): Date {
  return parseRfc3339(r.value.text) ?? invalidValue(r, 'an RFC 3339 timestamp such as "2024-05-01T10:00:00Z"');
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * Strict RFC 3339 date-time (section 5.6): every component range-checked, so `2024-02-30`
 * is rejected instead of rolling over to March. Leap seconds (`:60`) are rejected: a JS Date
 * cannot hold them. Fractions beyond milliseconds are truncated (columns are datetime(3)).
 */
export function parseRfc3339(text: string): Date | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map(Number);
  const millis = Number((m[7] ?? "").padEnd(3, "0").slice(0, 3));
  const sign = m[8] === "-" ? -1 : 1;
  const offsetHours = Number(m[9] ?? 0);
  const offsetMinutes = Number(m[10] ?? 0);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (daysInMonth === undefined || day < 1 || day > daysInMonth) return undefined;
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // not Date.UTC, which maps years 0-99 to 1900-1999
  date.setUTCHours(hour, minute, second, millis);
  return new Date(date.getTime() - sign * (offsetHours * 60 + offsetMinutes) * 60_000);
}
