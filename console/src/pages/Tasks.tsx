/**
 * The task list (/tasks): filters with facet counts, saved views, a live table (WatchTasks) with
 * sorting, selection and bulk actions, and keyset paging. The whole view is the URL's search
 * (lib/task-search.ts), so a link, a reload or Back shows the same view.
 */
import { Alert, Box, Chip, Typography } from "@mui/material";
import type { RowSelectionState } from "@tanstack/react-table";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { TaskStatus } from "@gen/taskyard/v1/task_pb.js";
import { useEffect, useMemo, useState } from "react";
import { describeError } from "../api/errors";
import { BulkActions } from "../components/BulkActions";
import { ErrorAlert } from "../components/ErrorAlert";
import { SavedViews } from "../components/SavedViews";
import { TaskFilters } from "../components/TaskFilters";
import { TaskPager } from "../components/TaskPager";
import { TaskTable } from "../components/TaskTable";
import { useFacets } from "../hooks/useFacets";
import { useNow } from "../hooks/useNow";
import { useWatchTasks } from "../hooks/useWatchTasks";
import { DEFAULT_PAGE_SIZE, nextPage, previousPage, toListTasksRequest, withFilter, type TaskSearch } from "../lib/task-search";

export function TasksPage() {
  const search = useSearch({ from: "/tasks" });
  const navigate = useNavigate({ from: "/tasks" });
  const go = (next: TaskSearch) => void navigate({ search: next });

  const query = useMemo(() => toListTasksRequest(search), [search]);
  const watched = useWatchTasks(query);
  const tasks = watched.page?.tasks ?? [];
  // Facets refresh when the live page changes (statuses move, tasks come and go).
  const version = `${watched.page?.totalSize}:${tasks.map((t) => `${t.id}.${t.status}`).join(",")}`;
  const { facets, error: facetError } = useFacets(search, version);
  const now = useNow(1000, tasks.some((t) => t.status === TaskStatus.RUNNING));

  // Selection is per query: a new filter starts with nothing selected.
  const [selection, setSelection] = useState<RowSelectionState>({});
  const bulkQuery = useMemo(() => toListTasksRequest(search, false), [search]);
  const queryKey = JSON.stringify(withFilter(search, { view: undefined }));
  useEffect(() => setSelection({}), [queryKey]);
  const selectedIds = Object.keys(selection).filter((id) => selection[id]);

  return (
    <>
      <Box sx={{ display: "flex", alignItems: "center", gap: 1, mb: 1 }}>
        <Typography variant="h5" component="h1">
          Tasks
        </Typography>
        {watched.live ? <Chip size="small" color="success" variant="outlined" label="Live" title="Updates pushed by WatchTasks" /> : null}
      </Box>
      <Box sx={{ display: "flex", gap: 2, alignItems: "flex-start" }}>
        <Box sx={{ width: 260, flexShrink: 0 }}>
          <TaskFilters search={search} facets={facets} onChange={go} />
        </Box>
        <Box component="section" aria-labelledby="list-heading" sx={{ flexGrow: 1, minWidth: 0 }}>
          <Typography id="list-heading" variant="h6" component="h2" sx={{ position: "absolute", left: -9999 }}>
            Task list
          </Typography>
          <SavedViews search={search} onChange={go} />
          <Box sx={{ my: 1 }}>
            <BulkActions
              selectedIds={selectedIds}
              query={bulkQuery}
              onDone={() => {
                setSelection({});
                watched.refetch();
              }}
            />
          </Box>
          {watched.streamError ? (
            <Alert severity="info" role="status" sx={{ my: 1 }}>
              live updates paused: {pausedReason(watched.streamError)} (reconnecting)
            </Alert>
          ) : null}
          <ErrorAlert error={watched.error} title="The tasks could not be listed" />
          <ErrorAlert error={facetError} title="Filter counts could not be loaded" />
          <TaskPager
            total={watched.page?.totalSize}
            size={search.size ?? DEFAULT_PAGE_SIZE}
            hasPrevious={search.cursor !== undefined}
            hasNext={!!watched.page?.nextPageToken}
            onPrevious={() => go(previousPage(search))}
            onNext={() => go(nextPage(search, watched.page!.nextPageToken))}
            onSize={(size) => go(withFilter(search, { size }))}
          />
          <TaskTable tasks={tasks} order={search.order} onSort={(order) => go(withFilter(search, { order }))} selection={selection} onSelectionChange={setSelection} now={now} />
        </Box>
      </Box>
    </>
  );
}

function pausedReason(err: unknown): string {
  const { code, message } = describeError(err);
  return `${code}: ${message}`;
}
