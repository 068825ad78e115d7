import { useMutation } from "@connectrpc/connect-query";
import { QueueService, type Queue } from "@gen/taskyard/v1/queue_service_pb.js";
import PauseIcon from "@mui/icons-material/Pause";
import PlayArrowIcon from "@mui/icons-material/PlayArrow";
import { Box, Button } from "@mui/material";
import { ErrorAlert } from "../ErrorAlert";
import { useQueueRefresh } from "./useQueueRefresh";

/** "Pause" on a running queue, "Resume" on a paused one (PauseQueue / ResumeQueue). */
export function PauseResumeButton({ queue, size = "small" }: { queue: Pick<Queue, "name" | "paused">; size?: "small" | "medium" }) {
  const refresh = useQueueRefresh();
  const pause = useMutation(QueueService.method.pauseQueue, { onSuccess: refresh });
  const resume = useMutation(QueueService.method.resumeQueue, { onSuccess: refresh });
  const busy = pause.isPending || resume.isPending;
  return (
    <Box>
      {queue.paused ? (
        <Button size={size} variant="outlined" startIcon={<PlayArrowIcon />} disabled={busy} onClick={() => resume.mutate({ name: queue.name })}>
          Resume
        </Button>
      ) : (
        <Button size={size} variant="outlined" startIcon={<PauseIcon />} disabled={busy} onClick={() => pause.mutate({ name: queue.name })}>
          Pause
        </Button>
      )}
      <ErrorAlert error={pause.error ?? resume.error} title={`Could not ${queue.paused ? "resume" : "pause"} ${queue.name}`} />
    </Box>
  );
}
