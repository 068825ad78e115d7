/** The task table's columns (@tanstack/react-table). */
import { Box, Checkbox, Chip, Link as MuiLink } from "@mui/material";
import { createLink } from "@tanstack/react-router";
import { createColumnHelper, type DisplayColumnDef } from "@tanstack/react-table";
import type { Task } from "@gen/taskyard/v1/task_pb.js";
import { shortTime } from "../lib/short-time";
import type { SortField } from "../lib/sort-order";
import { TaskProgress } from "./TaskProgress";
import { TaskStatusChip } from "./TaskStatusChip";

/** The ListTasks order_by field of each sortable column. */
export const SORT_FIELDS: Partial<Record<string, SortField>> = {
  name: "name",
  type: "type",
  status: "status",
  progress: "progress_percent",
  project: "project",
  priority: "priority",
  create_time: "create_time",
  start_time: "start_time",
  end_time: "end_time",
};

const col = createColumnHelper<Task>();
const RouterLink = createLink(MuiLink);
const nameOf = (t: Task) => t.name || t.type;

function Time({ t }: { t: Task["createTime"] }) {
  const { text, title } = shortTime(t);
  return (
    <Box component="span" title={title} sx={{ whiteSpace: "nowrap" }}>
      {text}
    </Box>
  );
}

export function taskColumns(now: Date): DisplayColumnDef<Task>[] {
  return [
    col.display({
      id: "select",
      header: ({ table }) => (
        <Checkbox
          size="small"
          checked={table.getIsAllPageRowsSelected()}
          indeterminate={table.getIsSomePageRowsSelected()}
          onChange={table.getToggleAllPageRowsSelectedHandler()}
          slotProps={{ input: { "aria-label": "Select all tasks on this page" } }}
        />
      ),
      cell: ({ row }) => (
        <Checkbox
          size="small"
          checked={row.getIsSelected()}
          onChange={row.getToggleSelectedHandler()}
          slotProps={{ input: { "aria-label": `Select ${nameOf(row.original)}` } }}
        />
      ),
    }),
    col.display({
      id: "name",
      header: "Name",
     
      cell: ({ row }) => (
        <RouterLink to="/tasks/$taskId" params={{ taskId: row.original.id }}>
          {nameOf(row.original)}
        </RouterLink>
      ),
    }),
    col.display({ id: "type", header: "Type", cell: ({ row }) => row.original.type }),
    col.display({ id: "status", header: "Status", cell: ({ row }) => <TaskStatusChip status={row.original.status} /> }),
    col.display({ id: "progress", header: "Progress", cell: ({ row }) => <TaskProgress task={row.original} now={now} /> }),
    col.display({ id: "queue", header: "Queue", cell: ({ row }) => row.original.queue }),
    col.display({ id: "project", header: "Project", cell: ({ row }) => row.original.project }),
    col.display({ id: "priority", header: "Priority", cell: ({ row }) => row.original.priority }),
    col.display({ id: "created_by", header: "Creator", cell: ({ row }) => row.original.createdBy }),
    col.display({ id: "create_time", header: "Created", cell: ({ row }) => <Time t={row.original.createTime} /> }),
    col.display({ id: "start_time", header: "Started", cell: ({ row }) => <Time t={row.original.startTime} /> }),
    col.display({ id: "end_time", header: "Ended", cell: ({ row }) => <Time t={row.original.endTime} /> }),
    col.display({
      id: "tags",
      header: "Tags",
      cell: ({ row }) => (
        <Box sx={{ display: "flex", flexWrap: "wrap", gap: 0.5 }}>
          {row.original.tags.map((t) => (
            <Chip key={t} size="small" variant="outlined" label={t} />
          ))}
        </Box>
      ),
    }),
  ];
}
