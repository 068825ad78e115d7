/** The name (and sharing) of a saved view, to save a new one or edit one. */
import { Button, Dialog, DialogActions, DialogContent, DialogTitle, FormControlLabel, Switch, TextField } from "@mui/material";
import { useId, useState } from "react";
import { ErrorAlert } from "./ErrorAlert";

export function ViewNameDialog(props: {
  title: string;
  submitLabel: string;
  initialName?: string;
  initialShared?: boolean;
  busy: boolean;
  error: unknown;
  onSubmit: (name: string, shared: boolean) => void;
  onClose: () => void;
}) {
  const { title, submitLabel, busy, error, onSubmit, onClose } = props;
  const [name, setName] = useState(props.initialName ?? "");
  const [shared, setShared] = useState(props.initialShared ?? false);
  const titleId = useId();
  return (
    <Dialog open onClose={onClose} aria-labelledby={titleId} fullWidth maxWidth="xs">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) onSubmit(name.trim(), shared);
        }}
      >
        <DialogTitle id={titleId}>{title}</DialogTitle>
        <DialogContent>
          <TextField autoFocus fullWidth required label="Name" margin="dense" value={name} onChange={(e) => setName(e.target.value)} slotProps={{ htmlInput: { maxLength: 100 } }} />
          <FormControlLabel control={<Switch checked={shared} onChange={(e) => setShared(e.target.checked)} />} label="Share with my team" />
          <ErrorAlert error={error} title="The view was not saved" />
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={busy || !name.trim()}>
            {submitLabel}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
