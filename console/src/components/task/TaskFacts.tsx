/** The task's who, where and when, as a description list. */
import { Box, Typography } from "@mui/material";
import type { Task } from "@gen/taskyard/v1/task_pb.js";
import type { ReactNode } from "react";
import { formatTime } from "../../lib/format";
import { RouterLink } from "../queue/RouterLink";
import { TaskLink } from "./TaskLink";

/** Temporal's default when a task sets no max_attempts (task.proto). */
const DEFAULT_MAX_ATTEMPTS = 3;

export function TaskFacts({ task }: { task: Task }) {
  const tries = task.executionAttempt > 0 ? `try ${task.executionAttempt} of ${task.maxAttempts || DEFAULT_MAX_ATTEMPTS}` : `up to ${task.maxAttempts || DEFAULT_MAX_ATTEMPTS} tries`;
  const facts: [string, ReactNode][] = [
    ["Attempt", `${task.attempt} (${tries})`],
    [
      "Queue",
      <RouterLink key="q" to="/queues/$name" params={{ name: task.queue }}>
        {task.queue}
      </RouterLink>,
    ],
    ["Project", task.project],
    ["Priority", String(task.priority)],
    ["Created by", task.createdBy || "—"],
    ["Created", formatTime(task.createTime)],
    ["Queued", formatTime(task.queueTime)],
    ["Started", formatTime(task.startTime)],
    ["Ended", formatTime(task.endTime)],
    ["Last heartbeat", formatTime(task.lastHeartbeatTime)],
    ["Updated", formatTime(task.updateTime)],
  ];
  if (task.parentId) facts.push(["Parent", <TaskLink key="p" id={task.parentId} />]);
  if (task.itemsSucceeded > 0n || task.itemsFailed > 0n) facts.push(["Items", `${task.itemsSucceeded} succeeded, ${task.itemsFailed} failed`]);
  if (task.dedupeKey) facts.push(["Dedupe key", task.dedupeKey]);
  if (task.archived) facts.push(["Archived", "yes"]);
  if (task.readOnly) facts.push(["Read only", "another tenant's public task"]);
  return (
    <Box component="dl" sx={{ display: "grid", gridTemplateColumns: "max-content 1fr", columnGap: 2, rowGap: 0.5, m: 0, maxWidth: 720 }}>
      {facts.map(([term, value]) => (
        <Box key={term} sx={{ display: "contents" }}>
          <Typography component="dt" variant="body2" sx={{ fontWeight: 600 }}>
            {term}
          </Typography>
          <Typography component="dd" variant="body2" sx={{ m: 0 }}>
            {value}
          </Typography>
        </Box>
      ))}
    </Box>
  );
}
