/**
 * "Why is it waiting?" for a PENDING or QUEUED task: TaskService.ExplainTaskWait, asked again
 * every few seconds while it waits and at each change the watch brings (`version`).
 */
import { useQuery } from "@connectrpc/connect-query";
import { TaskService } from "@gen/taskyard/v1/task_service_pb.js";
import { CircularProgress } from "@mui/material";
import { useEffect } from "react";
import { ErrorAlert } from "../ErrorAlert";
import { Section } from "./Section";
import { WaitExplanationView } from "./WaitExplanationView";

const REFRESH_MS = 3000;

export function WhyWaiting({ taskId, version }: { taskId: string; version: string }) {
  const explain = useQuery(TaskService.method.explainTaskWait, { id: taskId }, { refetchInterval: REFRESH_MS });
  const { refetch, isFetched } = explain;
  useEffect(() => {
    if (isFetched) void refetch();
    // Only a new version asks again; the interval does the rest.
  }, [version]);
  return (
    <Section title="Why is it waiting?">
      <ErrorAlert error={explain.error} title="Could not explain the wait" />
      {explain.data ? <WaitExplanationView explanation={explain.data} /> : explain.isPending ? <CircularProgress size={24} aria-label="Asking why it waits" /> : null}
    </Section>
  );
}
