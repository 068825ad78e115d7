/**
 * The registered task type of `type` (ListTaskTypes, paged until found), for its params schema;
 * `null` when no worker registered it (the clone dialog then edits params as JSON).
 */
import { createClient } from "@connectrpc/connect";
import { useTransport } from "@connectrpc/connect-query";
import { useQuery } from "@tanstack/react-query";
import { TaskService } from "@gen/taskyard/v1/task_service_pb.js";
import type { TaskType } from "@gen/taskyard/v1/worker_service_pb.js";

const MAX_PAGES = 20;

export function useTaskType(type: string) {
  const transport = useTransport();
  return useQuery({
    queryKey: ["taskyard", "taskType", type],
    queryFn: async ({ signal }): Promise<TaskType | null> => {
      const client = createClient(TaskService, transport);
      let pageToken = "";
      for (let page = 0; page < MAX_PAGES; page++) {
        const res = await client.listTaskTypes({ pageSize: 500, pageToken }, { signal });
        const found = res.taskTypes.find((t) => t.type === type);
        if (found) return found;
        pageToken = res.nextPageToken;
        if (!pageToken) break;
      }
      return null;
    },
  });
}
