/** Confirms deleting a saved view. */
import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle } from "@mui/material";
import { useId } from "react";
import { ErrorAlert } from "./ErrorAlert";

export function DeleteViewDialog(props: { name: string; busy: boolean; error: unknown; onConfirm: () => void; onClose: () => void }) {
  const titleId = useId();
  return (
    <Dialog open onClose={props.onClose} aria-labelledby={titleId}>
      <DialogTitle id={titleId}>Delete view “{props.name}”?</DialogTitle>
      <DialogContent>
        <DialogContentText>A shared view is deleted for the whole team. The tasks stay as they are.</DialogContentText>
        <ErrorAlert error={props.error} title="The view was not deleted" />
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button color="error" variant="contained" disabled={props.busy} onClick={props.onConfirm}>
          Delete
        </Button>
      </DialogActions>
    </Dialog>
  );
}
