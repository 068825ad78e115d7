/**
 * A task's progress: a determinate bar named after the task, `current/total`, the handler's
 * message, and while it runs an ETA (lib/eta.ts).
 */
import { Box, LinearProgress, Typography } from "@mui/material";
import { TaskStatus, type Task } from "@gen/taskyard/v1/task_pb.js";
import { estimateRemainingMs } from "../lib/eta";
import { formatDuration, toDate } from "../lib/format";

export function TaskProgress({ task, now = new Date() }: { task: Task; now?: Date }) {
  const p = task.progress;
  if (!p || (p.total === 0n && p.current === 0n)) return <span>—</span>;
  const current = Number(p.current);
  const total = Number(p.total);
  const percent = total > 0 ? Math.min(100, (100 * current) / total) : p.percent;
  const running = task.status === TaskStatus.RUNNING;
  const eta = running ? estimateRemainingMs(toDate(task.startTime), now, current, total) : undefined;
  return (
    <Box sx={{ minWidth: 120 }}>
      <LinearProgress variant="determinate" value={percent} aria-label={`Progress of ${task.name || task.type}`} />
      <Typography variant="caption" component="div" color="text.secondary">
        {total > 0 ? `${current}/${total}` : current}
        {p.message ? ` · ${p.message}` : ""}
        {eta !== undefined ? ` · ETA ${formatDuration(eta)}` : ""}
      </Typography>
    </Box>
  );
}
