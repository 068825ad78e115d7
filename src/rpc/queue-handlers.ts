/**
 * QueueService RPC handlers: read the caller, validate the request into a domain input, call one
 * service method, convert the answer.
 */
import { create } from "@bufbuild/protobuf";
import { EmptySchema, timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  BatchDequeueTasksResponseSchema,
  BatchEnqueueTasksResponseSchema,
  EnqueueTaskResponseSchema,
  ListQueueEntriesResponseSchema,
  ListQueuesResponseSchema,
  MoveTaskResponseSchema,
  PurgeQueueResponseSchema,
  QueueEntrySchema,
  QueueSchema,
  QueueStatsSchema,
  type Queue as PbQueue,
  type QueueEntry as PbQueueEntry,
  type QueueStats as PbQueueStats,
  type QueueService as QueueServiceDesc,
} from "../gen/taskyard/v1/queue_service_pb.js";
import type { QueueService } from "../queues/service.js";
import type { Queue, QueueEntryView, QueueStats } from "../queues/types.js";
import type { Task } from "../tasks/types.js";
import { callerOf } from "./caller.js";
import { msToDuration, taskToPb } from "./convert.js";
import { validateCreateQueue, validateMoveTask, validateQueueName, validateQueuePageSize, validateUpdateQueue } from "./queue-validate.js";
import { batchResultsToPb } from "./batch-results.js";
import { validateId, validateIds } from "./validate.js";

export interface QueueHandlerDeps {
  queues: QueueService;
  temporalUiUrl: (workflowId: string | null, runId: string | null) => string;
}

export function createQueueHandlers({ queues, temporalUiUrl }: QueueHandlerDeps): ServiceImpl<typeof QueueServiceDesc> {
  // Queue RPCs only ever reach the caller's own tasks: none is read_only.
  const task = (t: Task) => taskToPb(t, temporalUiUrl, t.tenant);
  return {
    async createQueue(req, ctx) {
      return queueToPb(await queues.create(callerOf(ctx), validateCreateQueue(req.queue)));
    },

    async getQueue(req, ctx) {
      return queueToPb(await queues.get(callerOf(ctx), validateQueueName("name", req.name)));
    },

    async listQueues(req, ctx) {
      const page = await queues.list(callerOf(ctx), validateQueuePageSize("page_size", req.pageSize), req.pageToken);
      return create(ListQueuesResponseSchema, { queues: page.queues.map(queueToPb), nextPageToken: page.nextPageToken });
    },

    async updateQueue(req, ctx) {
      const { name, update } = validateUpdateQueue(req);
      return queueToPb(await queues.update(callerOf(ctx), name, update));
    },

    async deleteQueue(req, ctx) {
      await queues.delete(callerOf(ctx), validateQueueName("name", req.name), req.force);
      return create(EmptySchema);
    },

    async pauseQueue(req, ctx) {
      return queueToPb(await queues.pause(callerOf(ctx), validateQueueName("name", req.name)));
    },

    async resumeQueue(req, ctx) {
      return queueToPb(await queues.resume(callerOf(ctx), validateQueueName("name", req.name)));
    },

    async enqueueTask(req, ctx) {
      const out = await queues.enqueue(callerOf(ctx), validateQueueName("name", req.name), validateId("task_id", req.taskId), req.verifyWatched);
      return create(EnqueueTaskResponseSchema, { task: task(out.task), watched: out.watched });
    },

    async dequeueTask(req, ctx) {
      return task(await queues.dequeue(callerOf(ctx), validateQueueName("name", req.name), validateId("task_id", req.taskId)));
    },

    async batchEnqueueTasks(req, ctx) {
      const name = validateQueueName("name", req.name);
      const out = await queues.enqueueMany(callerOf(ctx), name, validateIds("task_ids", req.taskIds), req.verifyWatched);
      return create(BatchEnqueueTasksResponseSchema, { results: batchResultsToPb(out.results), watched: out.watched });
    },

    async batchDequeueTasks(req, ctx) {
      const results = await queues.dequeueMany(callerOf(ctx), validateQueueName("name", req.name), validateIds("task_ids", req.taskIds));
      return create(BatchDequeueTasksResponseSchema, { results: batchResultsToPb(results) });
    },

    async moveTask(req, ctx) {
      const { name, taskId, move } = validateMoveTask(req);
      return create(MoveTaskResponseSchema, { position: await queues.move(callerOf(ctx), name, taskId, move) });
    },

    async listQueueEntries(req, ctx) {
      const page = await queues.listEntries(callerOf(ctx), validateQueueName("name", req.name), validateQueuePageSize("page_size", req.pageSize), req.pageToken);
      return create(ListQueueEntriesResponseSchema, { entries: page.entries.map(entryToPb), nextPageToken: page.nextPageToken });
    },

    async getQueueStats(req, ctx) {
      const name = validateQueueName("name", req.name);
      return statsToPb(name, await queues.stats(callerOf(ctx), name));
    },

    async purgeQueue(req, ctx) {
      return create(PurgeQueueResponseSchema, { purgedCount: BigInt(await queues.purge(callerOf(ctx), validateQueueName("name", req.name))) });
    },
  };
}

function queueToPb(q: Queue & { workersWatching?: number }): PbQueue {
  return create(QueueSchema, {
    name: q.name,
    description: q.description,
    concurrencyLimit: q.concurrencyLimit,
    defaultPriority: q.defaultPriority,
    paused: q.paused,
    rateLimit: { perSecond: q.rateLimit.perSecond, burst: q.rateLimit.burst },
    fairnessKey: q.fairnessKey,
    temporalTaskQueue: q.temporalTaskQueue,
    createTime: timestampFromDate(q.createTime),
    updateTime: timestampFromDate(q.updateTime),
    workersWatching: q.workersWatching ?? 0,
  });
}

function statsToPb(name: string, s: QueueStats): PbQueueStats {
  return create(QueueStatsSchema, {
    name,
    queued: BigInt(s.queued),
    running: BigInt(s.running),
    oldestWait: msToDuration(s.oldestWaitMs),
    averageWait: msToDuration(s.averageWaitMs),
    dispatchedPerMinute: s.dispatchedPerMinute,
    workersWatching: s.workersWatching,
    history: s.history.map((p) => ({
      startTime: timestampFromDate(p.startTime),
      started: BigInt(p.started),
      finished: BigInt(p.finished),
      averageWait: msToDuration(p.averageWaitMs),
    })),
    projects: s.projects.map((p) => ({ project: p.project, running: BigInt(p.running), queued: BigInt(p.queued) })),
  });
}

function entryToPb(e: QueueEntryView): PbQueueEntry {
  return create(QueueEntrySchema, {
    taskId: e.taskId,
    priority: e.priority,
    enqueueTime: timestampFromDate(e.enqueueTime),
    taskName: e.taskName,
    taskType: e.taskType,
    position: e.index,
  });
}
