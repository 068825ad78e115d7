/**
 * Which workers watch a queue, as a port: the queue service asks, infra/temporal answers from
 * Temporal's DescribeTaskQueue (the pollers it has seen recently on the queue's task queue).
 */
export interface QueueWatchers {
  /** Workers polling the Temporal task queue now. UnavailableError when Temporal cannot say. */
  count(temporalTaskQueue: string): Promise<number>;
}
