import { useMutation } from "@connectrpc/connect-query";
import { QueueService, type Queue } from "@gen/taskyard/v1/queue_service_pb.js";
import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, Stack, TextField } from "@mui/material";
import { useState, type FormEvent } from "react";
import { ErrorAlert } from "../ErrorAlert";
import { limitsUpdate, type LimitsDraft } from "../../lib/queue-limits";
import { useQueueRefresh } from "./useQueueRefresh";

/**
 * "Edit limits": UpdateQueue with an update_mask naming only the fields changed (concurrency_limit,
 * rate_limit.per_second, rate_limit.burst). The server allows it to admins only; a PERMISSION_DENIED
 * answer shows in the dialog in words. Mount it when opening, so it starts from the queue's values.
 */
export function EditLimitsDialog({ queue, open, onClose }: { queue: Queue; open: boolean; onClose: () => void }) {
  const initial: LimitsDraft = {
    concurrencyLimit: String(queue.concurrencyLimit),
    perSecond: String(queue.rateLimit?.perSecond ?? 0),
    burst: String(queue.rateLimit?.burst ?? 0),
  };
  const [draft, setDraft] = useState<LimitsDraft>(initial);
  const refresh = useQueueRefresh();
  const update = useMutation(QueueService.method.updateQueue, {
    onSuccess: async () => {
      await refresh();
      onClose();
    },
  });
  const planned = limitsUpdate(queue, draft);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if ("errors" in planned) return;
    if (planned.request.updateMask.paths.length === 0) return onClose();
    update.mutate(planned.request);
  };
  const field = (key: keyof LimitsDraft) => ({
    value: draft[key],
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value }),
    error: "errors" in planned && planned.errors[key] !== undefined,
    helperText: ("errors" in planned && planned.errors[key]) || HELP[key],
  });

  return (
    <Dialog open={open} onClose={onClose} aria-labelledby="edit-limits-title">
      <form onSubmit={submit} noValidate>
        <DialogTitle id="edit-limits-title">Edit limits of {queue.name}</DialogTitle>
        <DialogContent>
          <DialogContentText sx={{ mb: 2 }}>Only administrators may change a queue's limits. 0 means unlimited.</DialogContentText>
          <Stack spacing={2}>
            <TextField label="Concurrency limit" type="number" slotProps={{ htmlInput: { min: 0, step: 1 } }} {...field("concurrencyLimit")} />
            <TextField label="Rate (tasks per second)" type="number" slotProps={{ htmlInput: { min: 0, max: 10000, step: "any" } }} {...field("perSecond")} />
            <TextField label="Burst" type="number" slotProps={{ htmlInput: { min: 0, step: 1 } }} {...field("burst")} />
          </Stack>
          <ErrorAlert error={update.error} title="The limits were not changed" />
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={update.isPending || "errors" in planned}>
            Save
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

const HELP: Record<keyof LimitsDraft, string> = {
  concurrencyLimit: "Tasks of this queue holding a slot at once.",
  perSecond: "Tasks started per second, across every API replica (at most 10,000).",
  burst: "Starts allowed at once after an idle period; 0 = the rate rounded up.",
};
