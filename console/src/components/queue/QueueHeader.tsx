import type { Queue } from "@gen/taskyard/v1/queue_service_pb.js";
import TuneIcon from "@mui/icons-material/Tune";
import { Button, Stack, Typography } from "@mui/material";
import { useState } from "react";
import { EditLimitsDialog } from "./EditLimitsDialog";
import { PauseResumeButton } from "./PauseResumeButton";
import { QueueStateChip } from "./QueueStateChip";

/** The page's heading with the queue's state and its actions. */
export function QueueHeader({ queue }: { queue: Queue }) {
  const [editing, setEditing] = useState(false);
  return (
    <Stack spacing={1}>
      <Stack direction="row" spacing={2} sx={{ alignItems: "center", flexWrap: "wrap" }}>
        <Typography variant="h5" component="h1">
          Queue {queue.name}
        </Typography>
        <QueueStateChip paused={queue.paused} />
        <PauseResumeButton queue={queue} size="medium" />
        <Button variant="outlined" startIcon={<TuneIcon />} onClick={() => setEditing(true)}>
          Edit limits
        </Button>
      </Stack>
      {queue.description ? <Typography>{queue.description}</Typography> : null}
      {editing ? <EditLimitsDialog queue={queue} open onClose={() => setEditing(false)} /> : null}
    </Stack>
  );
}
