/**
 * The task list's bulk actions: on the selected tasks or on all the view matches. Choosing an
 * action opens its confirm dialog (a dry-run count for a by-query action, the action's fields),
 * then the outcome dialog with every task's result; the list refreshes through `onDone`.
 */
import { useId, useState, type JSX } from "react";
import ArrowDropDownIcon from "@mui/icons-material/ArrowDropDown";
import { Button, FormControlLabel, Menu, MenuItem, Radio, RadioGroup, Stack, Typography } from "@mui/material";
import type { ListTasksRequest } from "@gen/taskyard/v1/task_service_pb.js";
import { BULK_ACTIONS, type BulkAction } from "../lib/bulk";
import { BulkConfirmDialog, type BulkOutcome, type BulkScope } from "./BulkConfirmDialog";
import { BulkOutcomeDialog } from "./BulkOutcomeDialog";

export function BulkActions(props: { selectedIds: string[]; query: ListTasksRequest; onDone: () => void }): JSX.Element {
  const { selectedIds, query, onDone } = props;
  const id = useId();
  const [chosenScope, setScope] = useState<BulkScope>("selected");
  const [menuAnchor, setMenuAnchor] = useState<HTMLElement | null>(null);
  const [active, setActive] = useState<{ action: BulkAction; scope: BulkScope } | null>(null);
  const [outcome, setOutcome] = useState<BulkOutcome | null>(null);
  // With nothing selected, the actions apply to the view.
  const scope: BulkScope = selectedIds.length === 0 ? "query" : chosenScope;

  const choose = (action: BulkAction) => {
    setMenuAnchor(null);
    setActive({ action, scope });
  };

  return (
    <Stack direction="row" spacing={2} sx={{ alignItems: "center", flexWrap: "wrap" }}>
      <Typography id={`${id}-scope`} component="span" variant="body2">
        Apply to
      </Typography>
      <RadioGroup row aria-labelledby={`${id}-scope`} value={scope} onChange={(e) => setScope(e.target.value as BulkScope)}>
        <FormControlLabel value="selected" control={<Radio size="small" />} label={`Selected (${selectedIds.length})`} disabled={selectedIds.length === 0} />
        <FormControlLabel value="query" control={<Radio size="small" />} label="All matching the view" />
      </RadioGroup>
      <Button
        variant="outlined"
        id={`${id}-button`}
        aria-haspopup="menu"
        aria-controls={menuAnchor ? `${id}-menu` : undefined}
        aria-expanded={menuAnchor ? "true" : undefined}
        endIcon={<ArrowDropDownIcon />}
        onClick={(e) => setMenuAnchor(e.currentTarget)}
      >
        Bulk actions
      </Button>
      <Menu id={`${id}-menu`} anchorEl={menuAnchor} open={menuAnchor !== null} onClose={() => setMenuAnchor(null)} slotProps={{ list: { "aria-labelledby": `${id}-button` } }}>
        {BULK_ACTIONS.map((a) => (
          <MenuItem key={a.action} onClick={() => choose(a.action)}>
            {a.label}
          </MenuItem>
        ))}
      </Menu>
      {active ? (
        <BulkConfirmDialog
          action={active.action}
          scope={active.scope}
          selectedIds={selectedIds}
          query={query}
          onClose={() => setActive(null)}
          onOutcome={(o) => {
            setActive(null);
            setOutcome(o);
            onDone();
          }}
        />
      ) : null}
      {outcome ? <BulkOutcomeDialog outcome={outcome} onClose={() => setOutcome(null)} /> : null}
    </Stack>
  );
}
