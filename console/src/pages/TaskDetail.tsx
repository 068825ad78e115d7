/**
 * One task: live (WatchTask) header with progress and the Abort / Retry / Clone actions, why it
 * waits (when it does), one timeline of its events, attempts, progress and abort, then its params,
 * result, error, failed items, artifacts, labels and tags, and its workflow in Temporal.
 */
import { Alert, Box, Stack, Typography } from "@mui/material";
import { useParams } from "@tanstack/react-router";
import { TaskStatus, type Task } from "@gen/taskyard/v1/task_pb.js";
import { useMemo } from "react";
import { ErrorAlert } from "../components/ErrorAlert";
import { RouterLink } from "../components/queue/RouterLink";
import { ArtifactsTable } from "../components/task/ArtifactsTable";
import { ItemFailuresTable } from "../components/task/ItemFailuresTable";
import { JsonView } from "../components/task/JsonView";
import { LabelsAndTags } from "../components/task/LabelsAndTags";
import { Section } from "../components/task/Section";
import { TaskActions } from "../components/task/TaskActions";
import { TaskErrorView } from "../components/task/TaskErrorView";
import { TaskFacts } from "../components/task/TaskFacts";
import { TaskHeader } from "../components/task/TaskHeader";
import { TaskTimeline } from "../components/task/TaskTimeline";
import { TemporalLinks } from "../components/task/TemporalLinks";
import { WhyWaiting } from "../components/task/WhyWaiting";
import { useNow } from "../hooks/useNow";
import { useTaskEvents } from "../hooks/task-events";
import { useWatchedTask } from "../hooks/task-watch";
import { describeError } from "../api/errors";
import { buildTimeline } from "../lib/timeline";

const WAITING: ReadonlySet<TaskStatus> = new Set([TaskStatus.PENDING, TaskStatus.QUEUED]);

/** What a new event changes: status, reason, attempt, try (progress ticks change none of them). */
const stateVersion = (t: Task | undefined) => (t ? `${t.status}:${t.statusReason}:${t.attempt}:${t.executionAttempt}` : "");

export function TaskDetailPage() {
  const { taskId } = useParams({ from: "/tasks/$taskId" });
  const { task, error, streamError, update } = useWatchedTask(taskId);
  const version = stateVersion(task);
  const events = useTaskEvents(taskId, version);
  const now = useNow(1000, task?.status === TaskStatus.RUNNING);
  const timeline = useMemo(() => buildTimeline(events.data ?? [], task), [events.data, task]);

  return (
    <Stack spacing={2}>
      <RouterLink to="/tasks" variant="body2" sx={{ width: "fit-content" }}>
        All tasks
      </RouterLink>
      {!task ? (
        <Typography variant="h5" component="h1">
          Task {taskId}
        </Typography>
      ) : null}
      <ErrorAlert error={error} title={`Could not load task ${taskId}`} />
      {task ? (
        <>
          <TaskHeader task={task} now={now} actions={<TaskActions task={task} onChanged={update} />} />
          {streamError ? <Alert severity="warning">Live updates paused ({describeError(streamError).message}); reconnecting…</Alert> : null}
          {WAITING.has(task.status) ? <WhyWaiting taskId={task.id} version={`${version}:${String(task.updateTime?.seconds ?? "")}`} /> : null}
          <Section title="Details">
            <TaskFacts task={task} />
          </Section>
          <Section title="Timeline">
            <ErrorAlert error={events.error} title="Could not load the task's events" />
            <TaskTimeline groups={timeline} />
          </Section>
          <Box sx={{ display: "grid", gap: 2, gridTemplateColumns: { xs: "1fr", lg: "1fr 1fr" } }}>
            <Section title="Parameters">
              <JsonView value={task.params} label="Parameters as JSON" />
            </Section>
            <Section title="Result">
              <JsonView value={task.result} label="Result as JSON" empty="No result yet." />
            </Section>
          </Box>
          {task.error && (task.error.code || task.error.message) ? (
            <Section title="Error">
              <TaskErrorView error={task.error} />
            </Section>
          ) : null}
          {task.itemFailures.length > 0 ? (
            <Section title="Item failures">
              <ItemFailuresTable task={task} />
            </Section>
          ) : null}
          <Section title="Artifacts">{task.artifacts.length > 0 ? <ArtifactsTable artifacts={task.artifacts} /> : <Typography variant="body2">None.</Typography>}</Section>
          <Section title="Labels and tags">
            <LabelsAndTags task={task} />
          </Section>
          <Section title="Temporal">
            <TemporalLinks task={task} />
          </Section>
        </>
      ) : null}
    </Stack>
  );
}
