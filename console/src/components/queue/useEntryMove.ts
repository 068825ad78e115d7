import { useMutation } from "@connectrpc/connect-query";
import { QueueService, type QueueEntry } from "@gen/taskyard/v1/queue_service_pb.js";
import { useState } from "react";
import { arrayMoved, planMove, planToTop, type MoveTaskInit } from "../../lib/queue-move";
import { useQueueRefresh } from "./useQueueRefresh";

export type StepMove = "up" | "down" | "top";

/**
 * MoveTask for the entries table: shows the new order at once (`optimistic`), then refetches the
 * queue and shows the server's; `message` says where the task ended up.
 */
export function useEntryMove(queue: string) {
  const [optimistic, setOptimistic] = useState<QueueEntry[] | null>(null);
  const [message, setMessage] = useState("");
  const refresh = useQueueRefresh();
  const move = useMutation(QueueService.method.moveTask);

  const run = async (entries: readonly QueueEntry[], request: MoveTaskInit, from: number, to: number, clamped: boolean) => {
    const moving = entries[from]!;
    setOptimistic(arrayMoved(entries, from, to));
    setMessage("");
    try {
      const answer = await move.mutateAsync(request);
      const band = clamped ? ` (priority decides first, so it stays among the priority-${moving.priority} tasks)` : "";
      setMessage(`Moved ${moving.taskName || moving.taskId} to position ${answer.position + 1}${band}.`);
    } catch {
      // move.error is shown with the table.
    } finally {
      await refresh();
      setOptimistic(null);
    }
  };

  return {
    optimistic,
    message,
    error: move.error,
    busy: move.isPending || optimistic !== null,
    /** A drop of `entries[from]` at index `to`. */
    drop(entries: readonly QueueEntry[], from: number, to: number) {
      const plan = planMove(queue, entries, from, to);
      if (plan) void run(entries, plan.request, from, to, plan.clamped);
    },
    /** A Move up / Move down / Move to top button of the row at `index`. */
    step(entries: readonly QueueEntry[], index: number, step: StepMove) {
      if (step === "top") {
        const plan = planToTop(queue, entries, index);
        if (plan) void run(entries, plan.request, index, plan.to, false);
        return;
      }
      const to = step === "up" ? index - 1 : index + 1;
      const plan = planMove(queue, entries, index, to);
      if (plan) void run(entries, plan.request, index, to, plan.clamped);
    },
  };
}
