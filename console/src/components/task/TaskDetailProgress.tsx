/**
 * The task's progress on its page: a determinate bar named "Progress", `current/total`, the
 * handler's message, and while it runs an ETA from the rate so far (lib/eta.ts).
 */
import { Box, LinearProgress, Typography } from "@mui/material";
import { TaskStatus, type Task } from "@gen/taskyard/v1/task_pb.js";
import { estimateRemainingMs } from "../../lib/eta";
import { formatDuration, toDate } from "../../lib/format";

export function TaskDetailProgress({ task, now }: { task: Task; now: Date }) {
  const p = task.progress;
  if (!p || (p.total === 0n && p.current === 0n && !p.message)) return null;
  const current = Number(p.current);
  const total = Number(p.total);
  const percent = total > 0 ? Math.min(100, (100 * current) / total) : p.percent;
  const eta = task.status === TaskStatus.RUNNING ? estimateRemainingMs(toDate(task.startTime), now, current, total) : undefined;
  return (
    <Box sx={{ maxWidth: 640 }}>
      <LinearProgress variant="determinate" value={percent} aria-label="Progress" sx={{ height: 8, borderRadius: 1 }} />
      <Typography variant="body2" sx={{ mt: 0.5 }}>
        {total > 0 ? `${current}/${total} (${Math.floor(percent)} %)` : `${current} done`}
        {p.message ? ` · ${p.message}` : ""}
        {eta !== undefined ? ` · ETA ${formatDuration(eta)}` : ""}
      </Typography>
    </Box>
  );
}
