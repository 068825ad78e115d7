/** Confirms an abort, with an optional reason (recorded in the task's history). */
import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, TextField } from "@mui/material";
import { useId, useState } from "react";
import { ErrorAlert } from "../ErrorAlert";

export function AbortDialog(props: { open: boolean; taskName: string; busy: boolean; error: unknown; onConfirm: (reason: string) => void; onClose: () => void }) {
  const { open, taskName, busy, error, onConfirm, onClose } = props;
  const [reason, setReason] = useState("");
  const titleId = useId();
  return (
    <Dialog open={open} onClose={onClose} aria-labelledby={titleId} fullWidth maxWidth="sm">
      <DialogTitle id={titleId}>Abort {taskName}?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          A waiting task is cancelled at once; a running one is asked to stop (CANCELLING) and ends CANCELLED once its handler has cleaned up.
        </DialogContentText>
        <TextField
          label="Reason (optional)"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          fullWidth
          margin="normal"
          slotProps={{ htmlInput: { maxLength: 1000 } }}
        />
        <ErrorAlert error={error} title="Could not abort the task" />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Keep running</Button>
        <Button color="error" variant="contained" disabled={busy} onClick={() => onConfirm(reason.trim())}>
          Abort task
        </Button>
      </DialogActions>
    </Dialog>
  );
}
