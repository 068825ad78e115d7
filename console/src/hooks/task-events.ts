/**
 * All of a task's status events (ListTaskEvents, every page, oldest first). `version` names the
 * task's state (status, reason, attempt, try): a change means new events, so it fetches again;
 * progress ticks do not. The previous list stays shown while the next loads.
 */
import { createClient } from "@connectrpc/connect";
import { useTransport } from "@connectrpc/connect-query";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { TaskService } from "@gen/taskyard/v1/task_service_pb.js";
import type { TaskEvent } from "@gen/taskyard/v1/task_pb.js";

const PAGE_SIZE = 500;
/** A guard against a server that keeps answering a next page (100 × 500 events). */
const MAX_PAGES = 100;

export function useTaskEvents(id: string, version: string) {
  const transport = useTransport();
  return useQuery({
    queryKey: ["taskyard", "taskEvents", id, version],
    queryFn: async ({ signal }): Promise<TaskEvent[]> => {
      const client = createClient(TaskService, transport);
      const events: TaskEvent[] = [];
      let pageToken = "";
      for (let page = 0; page < MAX_PAGES; page++) {
        const res = await client.listTaskEvents({ id, pageSize: PAGE_SIZE, pageToken }, { signal });
        events.push(...res.events);
        pageToken = res.nextPageToken;
        if (!pageToken) break;
      }
      return events;
    },
    placeholderData: (prev, query) => (query?.queryKey[2] === id ? keepPreviousData(prev) : undefined),
  });
}
