/**
 * The AIP-160 filter that GetTaskFilterOptions counts under, built from a view: the view's own
 * filter AND its structured filters, so the counts beside the controls are those of the tasks the
 * list shows. Per dimension one filter leaves that dimension out (disjunctive facets): the counts
 * beside the status boxes say what each other status would add, not only the chosen ones.
 * Created-time goes in the request's `create_time`; the free-text search has no AIP-160 form and
 * is not counted.
 */
import type { TaskSearch } from "./task-search";

export type FacetDimension = "status" | "type" | "project" | "queue" | "creator";

/** A quoted AIP-160 string: `\`, `"` and the wildcard `*` escaped. */
export function quoteValue(v: string): string {
  return `"${v.replace(/[\\"*]/g, (c) => `\\${c}`)}"`;
}

const LABEL_KEY = /^[A-Za-z0-9_.-]{1,63}$/;

export function facetFilter(s: TaskSearch, omit?: FacetDimension): string {
  const terms: string[] = [];
  if (s.filter) terms.push(`(${s.filter})`);
  if (s.status?.length && omit !== "status") terms.push(s.status.length === 1 ? `status = ${s.status[0]}` : `(${s.status.map((x) => `status = ${x}`).join(" OR ")})`);
  const exact: [FacetDimension, string, string | undefined][] = [
    ["type", "type", s.type],
    ["project", "project", s.project],
    ["queue", "queue", s.queue],
    ["creator", "created_by", s.creator],
  ];
  for (const [dim, field, v] of exact) if (v && omit !== dim) terms.push(`${field} = ${quoteValue(v)}`);
  for (const t of s.tag ?? []) terms.push(t.startsWith("-") && t.length > 1 ? `NOT tags:${quoteValue(t.slice(1))}` : `tags:${quoteValue(t)}`);
  for (const l of s.label ?? []) {
    const at = l.indexOf("=");
    const key = l.slice(0, at);
    if (at > 0 && LABEL_KEY.test(key)) terms.push(`labels.${key} = ${quoteValue(l.slice(at + 1))}`);
  }
  const range = (field: string, from?: string, to?: string) => {
    if (from && !Number.isNaN(Date.parse(from))) terms.push(`${field} >= ${quoteValue(new Date(from).toISOString())}`);
    if (to && !Number.isNaN(Date.parse(to))) terms.push(`${field} < ${quoteValue(new Date(to).toISOString())}`);
  };
  range("start_time", s.startedFrom, s.startedTo);
  range("end_time", s.endedFrom, s.endedTo);
  return terms.join(" AND ");
}
