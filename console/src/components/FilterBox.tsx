/** The AIP-160 filter: applied on Enter (Shift+Enter for a new line) or with the button; help below. */
import { Box, Button, Collapse, TextField } from "@mui/material";
import { useId, useState } from "react";
import { FilterHelp } from "./FilterHelp";

export function FilterBox({ value, onChange }: { value?: string; onChange: (value: string | undefined) => void }) {
  const [draft, setDraft] = useState(value ?? "");
  const [shown, setShown] = useState(value ?? "");
  const [help, setHelp] = useState(false);
  const helpId = useId();
  // The URL changed (back, a saved view): show its filter.
  if ((value ?? "") !== shown) {
    setShown(value ?? "");
    setDraft(value ?? "");
  }
  const apply = () => {
    const next = draft.trim() || undefined;
    if (next !== value) onChange(next);
  };
  return (
    <Box>
      <TextField
        label="AIP-160 filter"
        size="small"
        fullWidth
        multiline
        minRows={2}
        value={draft}
        placeholder="status = RUNNING AND priority >= 75"
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey) {
            e.preventDefault();
            apply();
          }
        }}
        slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: "monospace" } } }}
      />
      <Box sx={{ display: "flex", gap: 1, mt: 0.5 }}>
        <Button size="small" variant="outlined" onClick={apply}>
          Apply filter
        </Button>
        <Button size="small" aria-expanded={help} aria-controls={helpId} onClick={() => setHelp((h) => !h)}>
          {help ? "Hide filter help" : "Filter help"}
        </Button>
      </Box>
      <Collapse in={help}>
        <FilterHelp id={helpId} />
      </Collapse>
    </Box>
  );
}
