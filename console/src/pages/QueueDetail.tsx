import { useQuery } from "@connectrpc/connect-query";
import { QueueService } from "@gen/taskyard/v1/queue_service_pb.js";
import { Box, Stack, Typography } from "@mui/material";
import { useParams } from "@tanstack/react-router";
import type { ReactNode } from "react";
import { ErrorAlert } from "../components/ErrorAlert";
import { FairnessView } from "../components/queue/FairnessView";
import { HistoryCharts } from "../components/queue/HistoryCharts";
import { RouterLink } from "../components/queue/RouterLink";
import { QueueEntries } from "../components/queue/QueueEntries";
import { QueueHeader } from "../components/queue/QueueHeader";
import { QueueSummary } from "../components/queue/QueueSummary";
import { QUEUE_REFRESH_MS } from "../components/queue/useQueueRefresh";

/** One queue: its counters, limits, entries in dispatch order (reorderable), fairness and history. */
export function QueueDetailPage() {
  const { name } = useParams({ from: "/queues/$name" });
  const queue = useQuery(QueueService.method.getQueue, { name }, { refetchInterval: QUEUE_REFRESH_MS });
  const stats = useQuery(QueueService.method.getQueueStats, { name }, { refetchInterval: QUEUE_REFRESH_MS });
  const q = queue.data;
  return (
    <Stack spacing={3}>
      <RouterLink to="/queues" variant="body2">
        All queues
      </RouterLink>
      {q ? (
        <QueueHeader queue={q} />
      ) : (
        <Typography variant="h5" component="h1">
          Queue {name}
        </Typography>
      )}
      <ErrorAlert error={queue.error} title={`Could not load queue ${name}`} />
      <ErrorAlert error={stats.error} title="Could not load the queue's stats" />
      {q ? (
        <>
          <QueueSummary queue={q} stats={stats.data} />
          <Section title="Entries in dispatch order">
            <Typography variant="body2">
              Priority decides first{q.fairnessKey ? `, then the values of ${q.fairnessKey} take turns` : ""}, then the order below. Drag a row by its handle
              (or focus the handle and use Space and the arrow keys), or use the Move buttons.
            </Typography>
            <QueueEntries queue={q.name} fairnessKey={q.fairnessKey} />
          </Section>
          <Section title="Who holds the slots and who waits">
            <FairnessView queue={q.name} projects={stats.data?.projects ?? []} />
          </Section>
          <Section title="Throughput and wait (last hour)">
            <HistoryCharts history={stats.data?.history ?? []} />
          </Section>
        </>
      ) : null}
    </Stack>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Box component="section" aria-label={title}>
      <Typography variant="h6" component="h2" sx={{ mb: 1 }}>
        {title}
      </Typography>
      {children}
    </Box>
  );
}
