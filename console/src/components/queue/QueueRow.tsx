import { useQuery } from "@connectrpc/connect-query";
import { QueueService, type Queue } from "@gen/taskyard/v1/queue_service_pb.js";
import { TableCell, TableRow, Typography } from "@mui/material";
import { describeError } from "../../api/errors";
import { formatLimit, formatRate, formatRateLimit, formatWait, msOf } from "../../lib/queue-stats";
import { RouterLink } from "./RouterLink";
import { PauseResumeButton } from "./PauseResumeButton";
import { QueueStateChip } from "./QueueStateChip";
import { QUEUE_REFRESH_MS } from "./useQueueRefresh";

/** One queue of the list with its GetQueueStats counters, refreshed every few seconds. */
export function QueueRow({ queue }: { queue: Queue }) {
  const stats = useQuery(QueueService.method.getQueueStats, { name: queue.name }, { refetchInterval: QUEUE_REFRESH_MS });
  const s = stats.data;
  const failure = stats.error ? describeError(stats.error) : undefined;
  const dash = failure ? "—" : "…";
  return (
    <TableRow hover>
      <TableCell component="th" scope="row">
        <RouterLink to="/queues/$name" params={{ name: queue.name }}>
          {queue.name}
        </RouterLink>
        {failure ? (
          <Typography variant="caption" color="error" sx={{ display: "block" }}>
            stats: {failure.code}: {failure.message}
          </Typography>
        ) : null}
      </TableCell>
      <TableCell>
        <QueueStateChip paused={queue.paused} />
      </TableCell>
      <TableCell align="right">{s ? s.queued.toString() : dash}</TableCell>
      <TableCell align="right">{s ? s.running.toString() : dash}</TableCell>
      <TableCell align="right">{s ? formatWait(msOf(s.oldestWait)) : dash}</TableCell>
      <TableCell align="right">{s ? formatWait(msOf(s.averageWait)) : dash}</TableCell>
      <TableCell align="right">{s ? formatRate(s.dispatchedPerMinute) : dash}</TableCell>
      <TableCell align="right">{s ? s.workersWatching : queue.workersWatching}</TableCell>
      <TableCell align="right">{formatLimit(queue.concurrencyLimit)}</TableCell>
      <TableCell>{formatRateLimit(queue.rateLimit)}</TableCell>
      <TableCell>
        <PauseResumeButton queue={queue} />
      </TableCell>
    </TableRow>
  );
}
