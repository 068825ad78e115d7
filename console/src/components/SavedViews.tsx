/**
 * Saved views (SavedViewService): pick one of the caller's personal views or the tenant's shared
 * ones to open its query; save the current filters as a view; update, edit or delete a view the
 * caller may change. The open view's id rides in the URL (`view`), beside its query.
 */
import { useMutation, useQuery } from "@connectrpc/connect-query";
import { Box, Button, FormControl, InputLabel, MenuItem, Select, Typography } from "@mui/material";
import { SavedViewService, type SavedView } from "@gen/taskyard/v1/saved_view_service_pb.js";
import { useId, useState } from "react";
import { isDeepEqual } from "../lib/deep-equal";
import { fromListTasksRequest, queryOf, toListTasksRequest, withFilter, type TaskSearch } from "../lib/task-search";
import { DeleteViewDialog } from "./DeleteViewDialog";
import { ErrorAlert } from "./ErrorAlert";
import { ViewNameDialog } from "./ViewNameDialog";

type Editing = "save" | "edit" | "delete" | undefined;

export function SavedViews({ search, onChange }: { search: TaskSearch; onChange: (next: TaskSearch) => void }) {
  const labelId = useId();
  const list = useQuery(SavedViewService.method.listSavedViews, { pageSize: 500 });
  const create = useMutation(SavedViewService.method.createSavedView);
  const update = useMutation(SavedViewService.method.updateSavedView);
  const remove = useMutation(SavedViewService.method.deleteSavedView);
  const [editing, setEditing] = useState<Editing>();
  const views = list.data?.views ?? [];
  const current = views.find((v) => v.id === search.view);
  const modified = current !== undefined && !isDeepEqual(queryOf(search), queryOf(fromListTasksRequest(current.query!)));

  const open = (v: SavedView) => onChange({ ...fromListTasksRequest(v.query!), view: v.id });
  const close = () => {
    setEditing(undefined);
    for (const m of [create, update, remove]) m.reset();
  };
  const done = async (next?: TaskSearch) => {
    await list.refetch();
    close();
    if (next) onChange(next);
  };
  const query = toListTasksRequest(search, false);

  return (
    <Box sx={{ display: "flex", alignItems: "center", gap: 1, flexWrap: "wrap" }}>
      <FormControl size="small" sx={{ minWidth: 220 }}>
        <InputLabel id={labelId}>Saved view</InputLabel>
        <Select
          labelId={labelId}
          label="Saved view"
          value={current ? current.id : ""}
          onChange={(e) => {
            const v = views.find((x) => x.id === e.target.value);
            if (v) open(v);
          }}
        >
          {views.length === 0 ? <MenuItem disabled value="">No saved views yet</MenuItem> : null}
          {views.map((v) => (
            <MenuItem key={v.id} value={v.id}>
              {v.name}
              {v.shared ? " (shared)" : ""}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      {modified ? <Typography variant="body2">modified</Typography> : null}
      <Button size="small" variant="outlined" onClick={() => setEditing("save")}>
        Save view
      </Button>
      {current?.editable ? (
        <>
          {modified ? (
            <Button size="small" disabled={update.isPending} onClick={() => update.mutate({ view: { id: current.id, query }, updateMask: { paths: ["query"] } }, { onSuccess: () => void done() })}>
              Update view
            </Button>
          ) : null}
          <Button size="small" onClick={() => setEditing("edit")}>
            Edit view
          </Button>
          <Button size="small" onClick={() => setEditing("delete")}>
            Delete view
          </Button>
        </>
      ) : null}
      {list.error ? <ErrorAlert error={list.error} title="Saved views could not be listed" /> : null}
      {!editing && update.error ? <ErrorAlert error={update.error} title="The view was not updated" /> : null}
      {editing === "save" ? (
        <ViewNameDialog
          title="Save view"
          submitLabel="Save"
          busy={create.isPending}
          error={create.error}
          onClose={close}
          onSubmit={(name, shared) => create.mutate({ view: { name, shared, query } }, { onSuccess: (v) => void done(withFilter(search, { view: v.id })) })}
        />
      ) : null}
      {editing === "edit" && current ? (
        <ViewNameDialog
          title="Edit view"
          submitLabel="Save"
          initialName={current.name}
          initialShared={current.shared}
          busy={update.isPending}
          error={update.error}
          onClose={close}
          onSubmit={(name, shared) => update.mutate({ view: { id: current.id, name, shared }, updateMask: { paths: ["name", "shared"] } }, { onSuccess: () => void done() })}
        />
      ) : null}
      {editing === "delete" && current ? (
        <DeleteViewDialog
          name={current.name}
          busy={remove.isPending}
          error={remove.error}
          onClose={close}
          onConfirm={() => remove.mutate({ id: current.id }, { onSuccess: () => void done(withFilter(search, { view: undefined })) })}
        />
      ) : null}
    </Box>
  );
}
