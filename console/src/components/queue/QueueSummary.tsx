import type { Queue, QueueStats } from "@gen/taskyard/v1/queue_service_pb.js";
import { Box, Typography } from "@mui/material";
import { formatLimit, formatRate, formatRateLimit, formatWait, msOf } from "../../lib/queue-stats";

/** The queue's counters and settings as a list of terms and values. */
export function QueueSummary({ queue, stats }: { queue: Queue; stats: QueueStats | undefined }) {
  const items: Array<[string, string]> = [
    ["Queued", stats ? stats.queued.toString() : "…"],
    ["Running", stats ? stats.running.toString() : "…"],
    ["Oldest wait", stats ? formatWait(msOf(stats.oldestWait)) : "…"],
    ["Average wait (1 h)", stats ? formatWait(msOf(stats.averageWait)) : "…"],
    ["Throughput (15 min)", stats ? formatRate(stats.dispatchedPerMinute) : "…"],
    ["Workers watching", String(stats?.workersWatching ?? queue.workersWatching)],
    ["Concurrency limit", formatLimit(queue.concurrencyLimit)],
    ["Rate limit", formatRateLimit(queue.rateLimit)],
    ["Fairness key", queue.fairnessKey || "none (first in, first out)"],
    ["Default priority", String(queue.defaultPriority || 50)],
  ];
  return (
    <Box component="dl" sx={{ display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(170px, 1fr))", gap: 1.5, m: 0 }}>
      {items.map(([term, value]) => (
        <Box key={term} sx={{ border: 1, borderColor: "divider", borderRadius: 1, px: 1.5, py: 1 }}>
          <Typography component="dt" variant="body2" sx={{ color: "text.secondary" }}>
            {term}
          </Typography>
          <Typography component="dd" variant="h6" sx={{ m: 0 }}>
            {value}
          </Typography>
        </Box>
      ))}
    </Box>
  );
}
