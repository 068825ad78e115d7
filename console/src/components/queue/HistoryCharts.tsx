import type { QueueStatsPoint } from "@gen/taskyard/v1/queue_service_pb.js";
import { Stack, Typography } from "@mui/material";
import { LineChart } from "@mui/x-charts/LineChart";
import { formatMinute, historySeries, throughputSummary, waitSummary } from "../../lib/queue-stats";
import { ChartFigure } from "./ChartFigure";
import { HistoryTable } from "./HistoryTable";

/** Throughput (started, finished) and average wait per minute over the last hour (QueueStats.history). */
export function HistoryCharts({ history }: { history: readonly QueueStatsPoint[] }) {
  if (history.length === 0) return <Typography>No history yet: the server reports none for this queue.</Typography>;
  const s = historySeries(history);
  const xAxis = [{ scaleType: "time" as const, data: s.times, valueFormatter: (d: Date) => formatMinute(d), label: "Minute" }];
  return (
    <Stack direction={{ xs: "column", lg: "row" }} spacing={2} sx={{ alignItems: "flex-start" }}>
      <ChartFigure title="Throughput per minute" summary={throughputSummary(history)} table={<HistoryTable series={s} />}>
        <LineChart
          height={240}
          xAxis={xAxis}
          yAxis={[{ label: "Tasks", tickMinStep: 1, min: 0 }]}
          series={[
            { data: s.started, label: "Started", showMark: false, curve: "linear", color: "#1f4e8c" },
            { data: s.finished, label: "Finished", showMark: false, curve: "linear", color: "#2e7d32" },
          ]}
        />
      </ChartFigure>
      <ChartFigure title="Average wait per minute" summary={waitSummary(history)} table={<HistoryTable series={s} />}>
        <LineChart
          height={240}
          xAxis={xAxis}
          yAxis={[{ label: "Seconds", min: 0 }]}
          // Minutes in which nothing started are gaps (null), so each point is marked.
          series={[{ data: s.waitSeconds, label: "Average wait (s)", curve: "linear", showMark: true, color: "#b35900" }]}
        />
      </ChartFigure>
    </Stack>
  );
}
