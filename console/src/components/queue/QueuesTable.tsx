import type { Queue } from "@gen/taskyard/v1/queue_service_pb.js";
import { Table, TableBody, TableCell, TableContainer, TableHead, TableRow } from "@mui/material";
import { QueueRow } from "./QueueRow";

const COLUMNS: Array<{ label: string; numeric?: boolean }> = [
  { label: "Queue" },
  { label: "State" },
  { label: "Queued", numeric: true },
  { label: "Running", numeric: true },
  { label: "Oldest wait", numeric: true },
  { label: "Average wait", numeric: true },
  { label: "Throughput", numeric: true },
  { label: "Workers", numeric: true },
  { label: "Concurrency limit", numeric: true },
  { label: "Rate limit" },
  { label: "Actions" },
];

/** ListQueues as a table, one row (with its stats) per queue. */
export function QueuesTable({ queues }: { queues: readonly Queue[] }) {
  return (
    <TableContainer>
      <Table size="small" aria-label="Queues">
        <TableHead>
          <TableRow>
            {COLUMNS.map((c) => (
              <TableCell key={c.label} align={c.numeric ? "right" : "left"}>
                {c.label}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {queues.map((q) => (
            <QueueRow key={q.name} queue={q} />
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
