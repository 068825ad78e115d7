/** Domain types of queues. */

/** Dispatch rate limit of a queue (token bucket); `perSecond` 0 = unlimited. */
export interface RateLimit {
  perSecond: number;
  /** Bucket size: tasks that may start at once after an idle period; 0 = max(1, ceil(perSecond)). */
  burst: number;
}

export interface Queue {
  tenant: string;
  name: string;
  description: string;
  /** Tasks RUNNING or CANCELLING at once; 0 = unlimited. */
  concurrencyLimit: number;
  defaultPriority: number;
  paused: boolean;
  rateLimit: RateLimit;
  /** `project`, `type`, `created_by` or `labels.<key>`: its values take turns within a priority band; "" = plain FIFO. */
  fairnessKey: string;
  temporalTaskQueue: string;
  createTime: Date;
  updateTime: Date;
}

/** A queue to create; dispatch controls default to off. */
export type NewQueue = Omit<Queue, "createTime" | "updateTime" | "rateLimit" | "fairnessKey"> & Partial<Pick<Queue, "rateLimit" | "fairnessKey">>;

/** One queued task, as ListQueueEntries shows it. */
export interface QueueEntryView {
  taskId: string;
  taskName: string;
  taskType: string;
  priority: number;
  enqueueTime: Date;
  /** 0-based place in dispatch order. */
  index: number;
}

export interface QueueStats {
  queued: number;
  /** RUNNING or CANCELLING. */
  running: number;
  oldestWaitMs: number;
  /** Average queue wait of tasks dispatched in the last hour. */
  averageWaitMs: number;
  /** Tasks dispatched per minute over the last 15 minutes. */
  dispatchedPerMinute: number;
  workersWatching: number;
  /** One point per minute over the last hour, oldest first; the last is the current minute. */
  history: QueueStatsPoint[];
  /** Most slots first. */
  projects: QueueProjectShare[];
}

/** One minute of a queue's history. */
export interface QueueStatsPoint {
  startTime: Date;
  /** Handler starts (start_time) in that minute. */
  started: number;
  /** Tasks reaching a terminal status (end_time) in that minute. */
  finished: number;
  /** Average queue wait of the tasks started in that minute; 0 when none. */
  averageWaitMs: number;
}

/** One project's share of a queue. */
export interface QueueProjectShare {
  project: string;
  /** Tasks holding slots: RUNNING, CANCELLING, or dispatched and waiting for a worker. */
  running: number;
  /** Tasks waiting in the queue. */
  queued: number;
}

export const DEFAULT_QUEUE = "default";
export const DEFAULT_PRIORITY = 50;
export const NO_RATE_LIMIT: RateLimit = Object.freeze({ perSecond: 0, burst: 0 });

/** Queue names: unique per tenant, safe in URLs, logs and Temporal task queue names. */
export const QUEUE_NAME_RE = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/** The Temporal task queue a Taskyard queue dispatches to unless configured otherwise. */
export function defaultTemporalTaskQueue(queueName: string): string {
  return `taskyard.${queueName}`;
}
