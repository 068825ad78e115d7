import { Typography } from "@mui/material";
import { useQuery } from "@connectrpc/connect-query";
import { QueueService } from "@gen/taskyard/v1/queue_service_pb.js";
import { ErrorAlert } from "../components/ErrorAlert";

export function QueuesPage() {
  const queues = useQuery(QueueService.method.listQueues, { pageSize: 100 });
  return (
    <>
      <Typography variant="h5" component="h1">
        Queues
      </Typography>
      <ErrorAlert error={queues.error} />
      <ul>{queues.data?.queues.map((q) => <li key={q.name}>{q.name}</li>)}</ul>
    </>
  );
}
