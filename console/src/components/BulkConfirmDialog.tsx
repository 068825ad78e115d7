/**
 * Confirms one bulk action: how many tasks it touches (the selection, or a dry run of the view's
 * ListTasks request), the action's own fields, then — on confirm — collects the ids (by query)
 * and runs the batch RPC. Errors of the whole call stay in the dialog; per-task results go to
 * `onOutcome`.
 */
import { useMemo, useState } from "react";
import { createClient } from "@connectrpc/connect";
import { skipToken, useQuery, useTransport } from "@connectrpc/connect-query";
import { Alert, Button, CircularProgress, Dialog, DialogActions, DialogContent, DialogTitle, Stack, Typography } from "@mui/material";
import { useMutation } from "@tanstack/react-query";
import { TaskService, type BatchTaskResult, type ListTasksRequest } from "@gen/taskyard/v1/task_service_pb.js";
import {
  actionInfo,
  collectIds,
  countText,
  dryRunMessage,
  dryRunRequest,
  EMPTY_FIELDS,
  fieldsValid,
  runBulk,
  scopedQuery,
  toOptions,
  type BulkAction,
  type BulkFields,
} from "../lib/bulk";
import { BulkActionFields } from "./BulkActionFields";
import { ErrorAlert } from "./ErrorAlert";

export type BulkScope = "selected" | "query";

export interface BulkOutcome {
  action: BulkAction;
  results: BatchTaskResult[];
  /** By query: how many tasks matched (more than the results when over the batch limit). */
  matched?: number;
}

export function BulkConfirmDialog(props: {
  action: BulkAction;
  scope: BulkScope;
  selectedIds: string[];
  query: ListTasksRequest;
  onClose: () => void;
  onOutcome: (outcome: BulkOutcome) => void;
}) {
  const { action, scope, selectedIds, query, onClose, onOutcome } = props;
  const info = actionInfo(action);
  const transport = useTransport();
  const client = useMemo(() => createClient(TaskService, transport), [transport]);
  const [fields, setFields] = useState<BulkFields>(EMPTY_FIELDS);
  const scoped = useMemo(() => scopedQuery(action, query), [action, query]);

  // The dry run: always fresh (gcTime 0), so a reopened dialog counts again.
  const dryRun = useQuery(TaskService.method.listTasks, scope === "query" && scoped ? dryRunRequest(scoped) : skipToken, { gcTime: 0 });
  const count = scope === "selected" ? selectedIds.length : scoped ? dryRun.data?.totalSize : 0;

  const run = useMutation({
    mutationFn: async (): Promise<BulkOutcome> => {
      const options = toOptions(action, fields);
      if (scope === "selected") return { action, results: await runBulk(client, action, selectedIds, options) };
      const { ids, total } = scoped ? await collectIds(client, scoped) : { ids: [], total: 0 };
      return { action, results: await runBulk(client, action, ids, options), matched: total };
    },
    onSuccess: onOutcome,
  });

  const message =
    count === undefined ? undefined : scope === "selected" ? { text: `This will ${info.verb} the ${countText(count)} selected.` } : dryRunMessage(action, count);
  const busy = run.isPending;
  const ready = count !== undefined && count > 0 && fieldsValid(action, fields) && !busy;
  const title = `${info.label}: ${scope === "selected" ? "selected tasks" : "all matching the view"}`;

  return (
    <Dialog open onClose={busy ? undefined : onClose} aria-labelledby="bulk-confirm-title" fullWidth maxWidth="sm">
      <DialogTitle id="bulk-confirm-title">{title}</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ pt: 1 }}>
          {dryRun.isError ? <ErrorAlert error={dryRun.error} title="Could not count the matching tasks" /> : null}
          {message ? (
            <Typography role="status">{message.text}</Typography>
          ) : !dryRun.isError ? (
            <Stack direction="row" spacing={1} sx={{ alignItems: "center" }} role="status">
              <CircularProgress size={18} aria-label="Counting" />
              <Typography>Counting the tasks matching the view…</Typography>
            </Stack>
          ) : null}
          {message?.capped ? <Alert severity="warning">{message.capped}</Alert> : null}
          {scope === "query" && !scoped ? <Alert severity="info">Only COMPLETED_WITH_ERRORS tasks have failed items, and the view excludes them.</Alert> : null}
          <BulkActionFields action={action} fields={fields} onChange={setFields} disabled={busy} />
          <ErrorAlert error={run.error} title={`${info.label} failed`} />
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button variant="contained" color={action === "delete" ? "error" : "primary"} disabled={!ready} onClick={() => run.mutate()} startIcon={busy ? <CircularProgress size={16} aria-label="Working" /> : undefined}>
          {info.label}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
