import { useQuery } from "@connectrpc/connect-query";
import { QueueService } from "@gen/taskyard/v1/queue_service_pb.js";
import { Stack, Typography } from "@mui/material";
import { ErrorAlert } from "../components/ErrorAlert";
import { QueuesTable } from "../components/queue/QueuesTable";
import { QUEUE_REFRESH_MS } from "../components/queue/useQueueRefresh";

const PAGE_SIZE = 500;

/** Every queue with its counters (refreshed every few seconds), pause and resume. */
export function QueuesPage() {
  const queues = useQuery(QueueService.method.listQueues, { pageSize: PAGE_SIZE }, { refetchInterval: QUEUE_REFRESH_MS });
  const list = queues.data?.queues ?? [];
  return (
    <Stack spacing={2}>
      <Typography variant="h5" component="h1">
        Queues
      </Typography>
      <Typography variant="body2">
        Waiting and running tasks, waits and throughput (tasks dispatched per minute over the last 15 minutes) per queue. Open a queue to
        reorder its entries, edit its limits and see who holds its slots.
      </Typography>
      <ErrorAlert error={queues.error} title="Could not list the queues" />
      {queues.isPending ? <Typography role="status">Loading queues…</Typography> : null}
      {queues.data && list.length === 0 ? <Typography>No queues yet.</Typography> : null}
      {list.length > 0 ? <QueuesTable queues={list} /> : null}
      {queues.data?.nextPageToken ? <Typography variant="body2">Showing the first {PAGE_SIZE} queues by name.</Typography> : null}
    </Stack>
  );
}
