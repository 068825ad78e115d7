/**
 * Facet counts for the filter panel from TaskService.GetTaskFilterOptions: one call under the
 * whole view, and, for each dimension the view filters on, one call without that dimension
 * (lib/facet-filter.ts), so a chosen status still shows what the others would add.
 * `version` (the live page changing) refreshes them, at most every 2 s.
 */
import { useQuery } from "@connectrpc/connect-query";
import { keepPreviousData, skipToken } from "@tanstack/react-query";
import { TaskService, type FilterOption } from "@gen/taskyard/v1/task_service_pb.js";
import { useEffect, useRef } from "react";
import { facetFilter, type FacetDimension } from "../lib/facet-filter";
import { toListTasksRequest, type TaskSearch } from "../lib/task-search";

export type FacetCounts = Record<FacetDimension | "tag", Map<string, number>>;

const FIELDS: Record<FacetDimension, "statuses" | "types" | "projects" | "queues" | "createdBy"> = {
  status: "statuses",
  type: "types",
  project: "projects",
  queue: "queues",
  creator: "createdBy",
};

/** Statuses come as enum names (`TASK_STATUS_RUNNING`); the controls use short names. */
const counts = (options: FilterOption[] | undefined) => new Map((options ?? []).map((o) => [o.value.replace(/^TASK_STATUS_/, ""), Number(o.count)]));

const DIMENSIONS: FacetDimension[] = ["status", "type", "project", "queue", "creator"];
const REFRESH_MS = 2000;

export function useFacets(s: TaskSearch, version: string): { facets: FacetCounts; error: unknown } {
  const base = { createTime: toListTasksRequest(s, false).createTime, includeArchived: s.archived ?? false };
  const opts = { placeholderData: keepPreviousData };
  const selected = (dim: FacetDimension) => (dim === "status" ? (s.status?.length ?? 0) > 0 : dim === "creator" ? !!s.creator : !!s[dim]);
  const all = useQuery(TaskService.method.getTaskFilterOptions, { ...base, filter: facetFilter(s) }, opts);
  // A fixed number of hooks: a dimension not filtered on skips its call.
  const without = DIMENSIONS.map((dim) =>
    useQuery(TaskService.method.getTaskFilterOptions, selected(dim) ? { ...base, filter: facetFilter(s, dim) } : skipToken, opts),
  );

  // Refresh on live changes: at once, or when REFRESH_MS have passed since the last refresh.
  const queries = useRef([all, ...without]);
  queries.current = [all, ...without];
  const last = useRef(0);
  useEffect(() => {
    const wait = Math.max(0, last.current + REFRESH_MS - Date.now());
    const timer = setTimeout(() => {
      last.current = Date.now();
      for (const q of queries.current) if (q.isFetched) void q.refetch();
    }, wait);
    return () => clearTimeout(timer);
  }, [version]);

  const facets = { tag: counts(all.data?.tags) } as FacetCounts;
  DIMENSIONS.forEach((dim, i) => {
    const source = selected(dim) ? without[i]!.data : all.data;
    facets[dim] = counts(source?.[FIELDS[dim]]);
  });
  return { facets, error: all.error ?? without.find((q) => q.error)?.error };
}
