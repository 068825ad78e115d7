/**
 * The task in Temporal: its workflow (id = task id) and run, a link to the execution in the
 * Temporal UI, and the search-attribute query that finds every run of it there
 * (`TaskyardTaskId = "<id>"`), with a copy button and, when the UI link shows where the
 * namespace's workflow list is, a link to that list filtered by it.
 */
import OpenInNewIcon from "@mui/icons-material/OpenInNew";
import { Box, Link, Stack, Typography } from "@mui/material";
import type { Task } from "@gen/taskyard/v1/task_pb.js";
import { CopyButton } from "./CopyButton";

export function temporalQuery(taskId: string): string {
  return `TaskyardTaskId = "${taskId}"`;
}

/** `…/namespaces/<ns>/workflows?query=…` from a workflow's UI link, when it has that shape. */
export function temporalSearchUrl(uiUrl: string, query: string): string | undefined {
  const m = /^(https?:\/\/.+\/namespaces\/[^/]+\/workflows)(?:\/|$)/.exec(uiUrl);
  return m ? `${m[1]}?query=${encodeURIComponent(query)}` : undefined;
}

export function TemporalLinks({ task }: { task: Task }) {
  const query = temporalQuery(task.id);
  const search = task.temporalUiUrl ? temporalSearchUrl(task.temporalUiUrl, query) : undefined;
  return (
    <Stack spacing={1}>
      {task.temporalUiUrl ? (
        <Link href={task.temporalUiUrl} target="_blank" rel="noopener noreferrer" sx={{ display: "inline-flex", alignItems: "center", gap: 0.5, width: "fit-content" }}>
          Open in Temporal UI
          <OpenInNewIcon fontSize="small" aria-hidden="true" />
          <Box component="span" sx={visuallyHidden}>
            (opens in a new tab)
          </Box>
        </Link>
      ) : (
        <Typography variant="body2">Not dispatched to Temporal yet: no workflow.</Typography>
      )}
      <Typography variant="body2">
        Workflow id: <code>{task.workflowId || "—"}</code> · run id: <code>{task.workflowRunId || "—"}</code>
      </Typography>
      <Typography variant="body2">
        In the Temporal UI, every run of this task's workflow is found with the search attribute query:
      </Typography>
      <Stack direction="row" spacing={1} sx={{ alignItems: "center", flexWrap: "wrap" }}>
        <Box component="code" sx={{ p: 0.5, bgcolor: "grey.100", borderRadius: 1 }}>
          {query}
        </Box>
        <CopyButton text={query} label="Copy the Temporal UI query" />
      </Stack>
      {search ? (
        <Link href={search} target="_blank" rel="noopener noreferrer" sx={{ width: "fit-content" }}>
          Find its workflows in Temporal UI
          <Box component="span" sx={visuallyHidden}>
            {" "}
            (opens in a new tab)
          </Box>
        </Link>
      ) : null}
    </Stack>
  );
}

const visuallyHidden = { position: "absolute", width: 1, height: 1, overflow: "hidden", clip: "rect(0 0 0 0)", whiteSpace: "nowrap" } as const;
