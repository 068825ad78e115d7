/** The task's structured error: code, message, whether a retry may help, and details. */
import { Stack, Typography } from "@mui/material";
import type { TaskError } from "@gen/taskyard/v1/task_pb.js";
import { JsonView } from "./JsonView";

export function TaskErrorView({ error }: { error: TaskError }) {
  return (
    <Stack spacing={1}>
      <Typography variant="body1">
        <strong>{error.code || "ERROR"}</strong>: {error.message}
      </Typography>
      <Typography variant="body2">{error.retryable ? "Retryable: a retry may succeed." : "Not retryable: retrying cannot fix it (Retry needs force)."}</Typography>
      {error.details && Object.keys(error.details).length > 0 ? <JsonView value={error.details} label="Error details" /> : null}
    </Stack>
  );
}
