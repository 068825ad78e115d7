/**
 * The typed Taskyard client over any Connect transport. Browser-safe: nothing here (or in what it
 * imports) touches Node APIs — index.ts (Node: gRPC over HTTP/2) and web.ts (browsers: Connect
 * over fetch) only choose the transport.
 */
import { createClient, type Client, type Transport } from "@connectrpc/connect";
import { ApiKeyService } from "../gen/taskyard/v1/api_key_service_pb.js";
import { QueueService } from "../gen/taskyard/v1/queue_service_pb.js";
import { SavedViewService } from "../gen/taskyard/v1/saved_view_service_pb.js";
import type { Task } from "../gen/taskyard/v1/task_pb.js";
import { TaskService } from "../gen/taskyard/v1/task_service_pb.js";
import { waitForTask, type WaitForOptions } from "./wait.js";
import { watchTask, type WatchOptions } from "./watch.js";

export interface TaskyardClient {
  /** TaskService: create, list, watch, cancel, retry … (proto/taskyard/v1/task_service.proto). */
  readonly tasks: Client<typeof TaskService>;
  /** QueueService: queues, their entries, stats, pause and resume. */
  readonly queues: Client<typeof QueueService>;
  /** SavedViewService: named ListTasks queries. */
  readonly views: Client<typeof SavedViewService>;
  /** ApiKeyService (admin): the tenant's API keys. */
  readonly apiKeys: Client<typeof ApiKeyService>;
  /** Resolves with the task once it is terminal (WaitTask long-polls in a loop). */
  waitFor(id: string, options?: WaitForOptions): Promise<Task>;
  /** The task now and on every change until it is terminal (WatchTask). */
  watch(id: string, options?: WatchOptions): AsyncGenerator<Task, void, undefined>;
}

export function createTaskyardClientFromTransport(transport: Transport): TaskyardClient {
  const tasks = createClient(TaskService, transport);
  return {
    tasks,
    queues: createClient(QueueService, transport),
    views: createClient(SavedViewService, transport),
    apiKeys: createClient(ApiKeyService, transport),
    waitFor: (id, options) => waitForTask(tasks, id, options),
    watch: (id, options) => watchTask(tasks, id, options),
  };
}
