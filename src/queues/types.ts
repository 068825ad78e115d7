/** Domain types of queues. */
export interface Queue {
  tenant: string;
  name: string;
  description: string;
  /** Tasks RUNNING or CANCELLING at once; 0 = unlimited. */
  concurrencyLimit: number;
  defaultPriority: number;
  paused: boolean;
  temporalTaskQueue: string;
  createTime: Date;
  updateTime: Date;
}

export const DEFAULT_QUEUE = "default";

/** The Temporal task queue a Taskyard queue dispatches to unless configured otherwise. */
export function defaultTemporalTaskQueue(queueName: string): string {
  return `taskyard.${queueName}`;
}
