/**
 * Which workers watch a queue, as a port: the queue service asks, the task-type registry
 * answers (the workers that registered for the queue and were heard from within the TTL).
 */
import type { Queue } from "./types.js";

export interface QueueWatchers {
  /** Workers online that serve the queue. */
  count(queue: Queue): Promise<number>;
}
