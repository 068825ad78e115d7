/** The top of a task's page: name (the h1), id, type, status and why, live progress, actions. */
import { Stack, Typography } from "@mui/material";
import type { Task } from "@gen/taskyard/v1/task_pb.js";
import type { ReactNode } from "react";
import { TaskStatusChip } from "../TaskStatusChip";
import { TaskDetailProgress } from "./TaskDetailProgress";

export function TaskHeader({ task, now, actions }: { task: Task; now: Date; actions: ReactNode }) {
  return (
    <Stack spacing={1.5}>
      <Stack direction="row" spacing={2} sx={{ alignItems: "center", flexWrap: "wrap" }} useFlexGap>
        <Typography variant="h5" component="h1">
          {task.name || task.type}
        </Typography>
        {/* A live region: a screen reader hears the status change (RUNNING → CANCELLING → …). */}
        <span role="status" aria-label="Status">
          <TaskStatusChip status={task.status} />
        </span>
      </Stack>
      <Typography variant="body2">
        <span>Id </span>
        <code>{task.id}</code>
        <span> · type </span>
        <code>{task.type}</code>
      </Typography>
      {task.statusReason || task.statusMessage ? (
        <Typography variant="body2">
          {task.statusReason ? <code>{task.statusReason}</code> : null}
          {task.statusReason && task.statusMessage ? ": " : ""}
          {task.statusMessage}
        </Typography>
      ) : null}
      <TaskDetailProgress task={task} now={now} />
      {actions}
    </Stack>
  );
}
