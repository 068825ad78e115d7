/**
 * Every task's result of a bulk action — OK, or its error code and message; the new task a
 * failed-items retry made — failures first, under the summary "3 succeeded, 1 failed".
 */
import { useState } from "react";
import { Alert, Button, Dialog, DialogActions, DialogContent, DialogTitle, Link as MuiLink, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Typography } from "@mui/material";
import { createLink } from "@tanstack/react-router";
import { actionInfo, BATCH_LIMIT, countText, summarise } from "../lib/bulk";
import type { BulkOutcome } from "./BulkConfirmDialog";

const RouterLink = createLink(MuiLink);

function TaskLink({ id }: { id: string }) {
  return (
    <RouterLink to="/tasks/$taskId" params={{ taskId: id }} sx={{ fontFamily: "monospace" }}>
      {id}
    </RouterLink>
  );
}

/** Rows shown before "Show all": a thousand MUI rows make the dialog slow to open. */
const FIRST_ROWS = 100;

export function BulkOutcomeDialog({ outcome, onClose }: { outcome: BulkOutcome; onClose: () => void }) {
  const { action, results, matched } = outcome;
  const summary = summarise(results);
  const withNewTasks = results.some((r) => r.newTaskId);
  const [showAll, setShowAll] = useState(false);
  // Failures first: they are what the reader acts on.
  const ordered = [...results.filter((r) => !r.ok), ...results.filter((r) => r.ok)];
  const rows = showAll ? ordered : ordered.slice(0, FIRST_ROWS);
  return (
    <Dialog open onClose={onClose} aria-labelledby="bulk-outcome-title" fullWidth maxWidth="md">
      <DialogTitle id="bulk-outcome-title">{actionInfo(action).label}: outcome</DialogTitle>
      <DialogContent>
        <Typography role="status" sx={{ mb: 1, fontWeight: 500 }}>
          {summary.text}
        </Typography>
        {matched !== undefined && matched > results.length ? (
          <Alert severity="warning" sx={{ mb: 1 }}>
            {countText(matched)} matched; only the first {BATCH_LIMIT.toLocaleString("en-US")} were touched. Run it again for the rest.
          </Alert>
        ) : null}
        {results.length === 0 ? (
          <Typography>No task was touched.</Typography>
        ) : (
          <TableContainer sx={{ maxHeight: 420 }}>
            <Table size="small" stickyHeader aria-label="Per-task outcome">
              <TableHead>
                <TableRow>
                  <TableCell>Task</TableCell>
                  <TableCell>Outcome</TableCell>
                  <TableCell>Message</TableCell>
                  {withNewTasks ? <TableCell>New task</TableCell> : null}
                </TableRow>
              </TableHead>
              <TableBody>
                {rows.map((r) => (
                  <TableRow key={r.id}>
                    <TableCell>
                      <TaskLink id={r.id} />
                    </TableCell>
                    <TableCell sx={{ color: r.ok ? "success.dark" : "error.dark", fontWeight: 500 }}>{r.ok ? "OK" : r.errorCode || "ERROR"}</TableCell>
                    <TableCell>{r.ok ? "" : r.errorMessage}</TableCell>
                    {withNewTasks ? <TableCell>{r.newTaskId ? <TaskLink id={r.newTaskId} /> : null}</TableCell> : null}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
        )}
        {rows.length < ordered.length ? (
          <Button sx={{ mt: 1 }} onClick={() => setShowAll(true)}>
            Show all {ordered.length.toLocaleString("en-US")} results
          </Button>
        ) : null}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} variant="contained">
          Close
        </Button>
      </DialogActions>
    </Dialog>
  );
}
