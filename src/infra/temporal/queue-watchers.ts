/**
 * QueueWatchers over Temporal's DescribeTaskQueue: the workers polling a task queue are the
 * distinct poller identities Temporal saw on its workflow or activity side recently. Temporal
 * keeps a poller in that list for minutes after it left; a live worker re-polls at least every
 * long-poll timeout (~60 s), so pollers older than RECENT_MS count as gone.
 */
import { ServiceError, type Client } from "@temporalio/client";
import { UnavailableError } from "../../domain/errors.js";
import type { QueueWatchers } from "../../queues/watchers.js";

const RECENT_MS = 90_000;
// temporal.api.enums.v1: TaskQueueKind NORMAL = 1; TaskQueueType WORKFLOW = 1, ACTIVITY = 2.
const KIND_NORMAL = 1;
const TYPES = [1, 2];

export function createQueueWatchers(client: Client): QueueWatchers {
  const { namespace } = client.options;
  return {
    async count(taskQueue) {
      const since = Date.now() - RECENT_MS;
      const identities = new Set<string>();
      try {
        for (const taskQueueType of TYPES) {
          const res = await client.connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue, kind: KIND_NORMAL }, taskQueueType });
          for (const poller of res.pollers ?? []) {
            const seconds = Number(poller.lastAccessTime?.seconds ?? 0);
            const lastMs = seconds * 1000 + Math.floor((poller.lastAccessTime?.nanos ?? 0) / 1e6);
            if (lastMs >= since && poller.identity) identities.add(poller.identity);
          }
        }
      } catch (err) {
        if (err instanceof ServiceError || (err as { code?: unknown })?.code !== undefined) {
          throw new UnavailableError("Temporal is unavailable; cannot tell which workers watch the queue", { cause: err });
        }
        throw err;
      }
      return identities.size;
    },
  };
}
