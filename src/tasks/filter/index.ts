/**
 * AIP-160 filter → parameterised SQL for ListTasks (and the `filter` form of Batch… RPCs).
 *
 *   const { sql, params } = compileFilter('status = RUNNING AND labels.asset = "a1"');
 *   // sql:    "(t.status = ? AND JSON_UNQUOTE(JSON_EXTRACT(t.labels, ?)) = ?)"
 *   // params: ["RUNNING", '$."asset"', "a1"]
 *
 * The SQL uses `?` placeholders (mysql2 / TypeORM `query()` style) and the tasks table alias `t`;
 * it is always safe to AND onto other conditions. Time values are JS Dates: the connection
 * must use `timezone: "Z"` so they compare against the UTC datetime(3) columns.
 * Every failure is an InvalidArgumentError with field "filter".
 */
import { filterError } from "./lexer.js";
import { parseFilter } from "./parser.js";
import { compileNode } from "./compile.js";
import type { SqlFragment } from "./compile.js";

export type { SqlFragment } from "./compile.js";
export type { FilterNode, FilterValue, ParseLimits } from "./parser.js";
export { parseFilter } from "./parser.js";
export { FILTER_FIELDS, TASK_STATUSES } from "./fields.js";
export type { FieldKind, FilterField } from "./fields.js";

export interface CompileFilterOptions {
  /** Longest accepted filter, in characters (code points). Default 2,000. */
  readonly maxLength?: number;
  /** Deepest parenthesis nesting. Default 32. */
  readonly maxDepth?: number;
  /** Most `field op value` restrictions. Default 100. */
  readonly maxTerms?: number;
  /** Longest single value or word, in characters. Default 512. */
  readonly maxLiteralLength?: number;
}

export const DEFAULT_FILTER_LIMITS: Readonly<Required<CompileFilterOptions>> = Object.freeze({
  maxLength: 2_000,
  maxDepth: 32,
  maxTerms: 100,
  maxLiteralLength: 512,
});

/**
 * Compiles an AIP-160 filter into a WHERE fragment over whitelisted task columns.
 * An empty or all-whitespace filter gives `{ sql: "TRUE", params: [] }`.
 * @throws InvalidArgumentError (field "filter") naming the offending token and its 1-based position.
 */
export function compileFilter(filter: string, options: CompileFilterOptions = {}): SqlFragment {
  const limits = { ...DEFAULT_FILTER_LIMITS, ...options };
  // UTF-16 length first: a string within it is within the limit, and a huge one is never
  // scanned for code points (a code point is one or two UTF-16 units).
  if (filter.length > limits.maxLength) {
    if (filter.length > limits.maxLength * 2 || Array.from(filter).length > limits.maxLength) {
      throw filterError(`is longer than the limit of ${limits.maxLength} characters`);
    }
  }
  const ast = parseFilter(filter, limits);
  // "TRUE" rather than "" so that the caller can always write `AND ${sql}`.
  return ast ? compileNode(ast) : { sql: "TRUE", params: [] };
}
