/**
 * Abort (CancelTask, when the server says `cancellable`), Retry (RetryTask: FAILED, CANCELLED,
 * COMPLETED_WITH_ERRORS), Retry failed items (RetryTask `failed_items_only`: a new task with only
 * the failed items, opened at once) and Clone and edit params. Errors in words (ErrorAlert), e.g.
 * FAILED_PRECONDITION for an abort in a commit phase or an error that is not retryable.
 */
import { useMutation } from "@connectrpc/connect-query";
import { Button, Stack } from "@mui/material";
import { useNavigate } from "@tanstack/react-router";
import { TaskStatus, type Task } from "@gen/taskyard/v1/task_pb.js";
import { TaskService } from "@gen/taskyard/v1/task_service_pb.js";
import { useState } from "react";
import { ErrorAlert } from "../ErrorAlert";
import { AbortDialog } from "./AbortDialog";
import { CloneDialog } from "./CloneDialog";

const RETRYABLE: ReadonlySet<TaskStatus> = new Set([TaskStatus.FAILED, TaskStatus.CANCELLED, TaskStatus.COMPLETED_WITH_ERRORS]);

export function TaskActions({ task, onChanged }: { task: Task; onChanged: (task: Task) => void }) {
  const navigate = useNavigate();
  const [dialog, setDialog] = useState<"abort" | "clone" | undefined>();
  const cancel = useMutation(TaskService.method.cancelTask);
  const retry = useMutation(TaskService.method.retryTask);
  const retryItems = useMutation(TaskService.method.retryTask);
  const name = task.name || task.type;
  const writable = !task.readOnly;
  const canRetry = writable && RETRYABLE.has(task.status);
  const canRetryItems = writable && task.status === TaskStatus.COMPLETED_WITH_ERRORS && task.itemFailures.length > 0;
  const openTask = (id: string) => void navigate({ to: "/tasks/$taskId", params: { taskId: id } });

  return (
    <>
      <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: "wrap" }}>
        <Button
          variant="contained"
          color="error"
          disabled={!writable || !task.cancellable}
          onClick={() => {
            cancel.reset();
            setDialog("abort");
          }}
        >
          Abort
        </Button>
        <Button variant="outlined" disabled={!canRetry || retry.isPending} onClick={() => retry.mutate({ id: task.id }, { onSuccess: onChanged })}>
          Retry
        </Button>
        {canRetryItems ? (
          <Button variant="outlined" disabled={retryItems.isPending} onClick={() => retryItems.mutate({ id: task.id, failedItemsOnly: true }, { onSuccess: (t) => openTask(t.id) })}>
            Retry failed items
          </Button>
        ) : null}
        <Button variant="outlined" disabled={!writable} onClick={() => setDialog("clone")}>
          Clone and edit params
        </Button>
      </Stack>
      <ErrorAlert error={retry.error} title="Could not retry the task" />
      <ErrorAlert error={retryItems.error} title="Could not retry the failed items" />
      {dialog === "abort" ? (
        <AbortDialog
          open
          taskName={name}
          busy={cancel.isPending}
          error={cancel.error}
          onClose={() => setDialog(undefined)}
          onConfirm={(reason) =>
            cancel.mutate(
              { id: task.id, reason },
              {
                onSuccess: (t) => {
                  onChanged(t);
                  setDialog(undefined);
                },
              },
            )
          }
        />
      ) : null}
      {dialog === "clone" ? <CloneDialog task={task} onClose={() => setDialog(undefined)} onCloned={(t) => openTask(t.id)} /> : null}
    </>
  );
}
