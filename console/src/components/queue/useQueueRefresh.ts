import { createConnectQueryKey } from "@connectrpc/connect-query";
import { QueueService } from "@gen/taskyard/v1/queue_service_pb.js";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";

/** How often the queue pages refresh their stats and entries. */
export const QUEUE_REFRESH_MS = 4_000;

/** Refetches every QueueService query (after a pause, resume, limit edit or move). */
export function useQueueRefresh(): () => Promise<void> {
  const client = useQueryClient();
  return useCallback(() => client.invalidateQueries({ queryKey: createConnectQueryKey({ schema: QueueService, cardinality: undefined }) }), [client]);
}
