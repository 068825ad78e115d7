import type { QueueProjectShare } from "@gen/taskyard/v1/queue_service_pb.js";
import { Stack, Typography } from "@mui/material";
import { BarChart } from "@mui/x-charts/BarChart";
import { fairnessRows, fairnessSummary, projectLabel } from "../../lib/queue-stats";
import { ChartFigure } from "./ChartFigure";
import { FairnessTable } from "./FairnessTable";

/** The queue's fairness view (QueueStats.projects): who holds the slots and who waits, as a table and a bar chart. */
export function FairnessView({ queue, projects }: { queue: string; projects: readonly QueueProjectShare[] }) {
  const rows = fairnessRows(projects);
  if (rows.length === 0) return <Typography>No task of this queue is running or waiting.</Typography>;
  return (
    <Stack direction={{ xs: "column", md: "row" }} spacing={2} sx={{ alignItems: "flex-start" }}>
      <Stack sx={{ flex: "1 1 380px", minWidth: 0 }}>
        <FairnessTable rows={rows} queue={queue} />
      </Stack>
      <ChartFigure title="Slots held and tasks waiting per project" summary={fairnessSummary(rows)}>
        <BarChart
          height={240}
          xAxis={[{ scaleType: "band", data: rows.map((r) => projectLabel(r.project)), label: "Project" }]}
          yAxis={[{ label: "Tasks", tickMinStep: 1 }]}
          series={[
            { data: rows.map((r) => r.running), label: "Running (slots held)", color: "#1f4e8c" },
            { data: rows.map((r) => r.queued), label: "Queued (waiting)", color: "#b35900" },
          ]}
        />
      </ChartFigure>
    </Stack>
  );
}
