/** The fields a bulk action asks for: a reason, tags to add / remove, a project, `force`. */
import { Alert, Checkbox, FormControlLabel, TextField, Typography } from "@mui/material";
import { useQuery } from "@connectrpc/connect-query";
import { TaskService } from "@gen/taskyard/v1/task_service_pb.js";
import type { BulkAction, BulkFields } from "../lib/bulk";

export function BulkActionFields(props: { action: BulkAction; fields: BulkFields; onChange: (f: BulkFields) => void; disabled: boolean }) {
  const { action, fields, onChange, disabled } = props;
  const set = (change: Partial<BulkFields>) => onChange({ ...fields, ...change });
  switch (action) {
    case "abort":
    case "retry":
      return <TextField label="Reason (optional)" size="small" value={fields.reason} disabled={disabled} onChange={(e) => set({ reason: e.target.value })} helperText="Recorded in each task's history" />;
    case "tag":
      return (
        <>
          <TextField label="Tags to add" size="small" value={fields.addTags} disabled={disabled} onChange={(e) => set({ addTags: e.target.value })} helperText="Separated by commas or spaces" />
          <TextField label="Tags to remove" size="small" value={fields.removeTags} disabled={disabled} onChange={(e) => set({ removeTags: e.target.value })} helperText="Separated by commas or spaces" />
        </>
      );
    case "move":
      return <TextField label="Project" size="small" required value={fields.project} disabled={disabled} onChange={(e) => set({ project: e.target.value })} helperText="The project to move the tasks to" />;
    case "delete":
      return (
        <>
          <Alert severity="warning">Deleted tasks cannot be restored.</Alert>
          <FormControlLabel
            control={<Checkbox checked={fields.force} disabled={disabled} onChange={(e) => set({ force: e.target.checked })} />}
            label="Force: abort live tasks first instead of refusing them"
          />
        </>
      );
    case "retryFailedItems":
      return <FailedItemsHelp />;
    default:
      return null;
  }
}

/** Which task types can retry only their failed items (ListTaskTypes' `retry_items_param`). */
function FailedItemsHelp() {
  const types = useQuery(TaskService.method.listTaskTypes, { pageSize: 500 });
  const names = (types.data?.taskTypes ?? []).filter((t) => t.retryItemsParam).map((t) => t.type);
  return (
    <Typography variant="body2">
      Each COMPLETED_WITH_ERRORS task whose type declares the items it processed gets a new task holding only its failed items; the task itself does
      not change. Other tasks are reported as failed.{" "}
      {types.data ? (names.length ? `Types that support it: ${names.join(", ")}.` : "No registered task type supports it.") : null}
    </Typography>
  );
}
