/**
 * Clone and edit params: a new task from this one's spec (CloneTask), with new params (a form
 * from the type's params schema, or JSON) and optionally a new name; opened once created.
 */
import type { JsonObject } from "@bufbuild/protobuf";
import { useMutation } from "@connectrpc/connect-query";
import { Alert, Button, Checkbox, CircularProgress, Dialog, DialogActions, DialogContent, DialogTitle, FormControlLabel, Stack, TextField, Typography } from "@mui/material";
import type { Task } from "@gen/taskyard/v1/task_pb.js";
import { TaskService } from "@gen/taskyard/v1/task_service_pb.js";
import { useId, useState } from "react";
import { useTaskType } from "../../hooks/task-type";
import type { ParsedParams } from "../../lib/task-params";
import { ErrorAlert } from "../ErrorAlert";
import { ParamsEditor } from "./ParamsEditor";

export function CloneDialog({ task, onClose, onCloned }: { task: Task; onClose: () => void; onCloned: (task: Task) => void }) {
  const titleId = useId();
  const type = useTaskType(task.type);
  const clone = useMutation(TaskService.method.cloneTask);
  const [name, setName] = useState(task.name);
  const [start, setStart] = useState(true);
  const [params, setParams] = useState<ParsedParams>({ params: (task.params ?? {}) as JsonObject });
  // One idempotency key per dialog: a double submit creates one clone.
  const [requestId] = useState(() => crypto.randomUUID());

  const submit = () => {
    if (!params.params || clone.isPending) return;
    const overrides = { params: params.params, ...(name !== task.name ? { name } : {}) };
    clone.mutate({ id: task.id, overrides, start, requestId }, { onSuccess: onCloned });
  };

  return (
    <Dialog open onClose={onClose} aria-labelledby={titleId} fullWidth maxWidth="md">
      <DialogTitle id={titleId}>Clone {task.name || task.type} and edit params</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ pt: 1 }}>
          <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} helperText="Empty: the type's name." fullWidth />
          <Typography variant="subtitle1" component="h3">
            Parameters of {task.type}
          </Typography>
          {type.isPending ? (
            <CircularProgress aria-label="Loading the task type" size={24} />
          ) : (
            <>
              {type.data === null ? <Alert severity="info">No worker registered {task.type}: edit the params as JSON.</Alert> : null}
              {type.data?.description ? <Typography variant="body2">{type.data.description}</Typography> : null}
              <ErrorAlert error={type.error} title="Could not load the task type; edit the params as JSON" />
              <ParamsEditor schema={type.data?.paramsSchema} initial={task.params} onChange={setParams} onSubmit={submit} />
            </>
          )}
          <FormControlLabel control={<Checkbox checked={start} onChange={(e) => setStart(e.target.checked)} />} label="Queue it at once (else it stays PENDING)" />
          <ErrorAlert error={clone.error} title="Could not clone the task" />
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
        <Button variant="contained" disabled={!params.params || clone.isPending || type.isPending} onClick={submit}>
          Create clone
        </Button>
      </DialogActions>
    </Dialog>
  );
}
