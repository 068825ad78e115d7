/** Every service on one Connect router: TaskService, QueueService, ApiKeyService, WorkerService, SavedViewService, health and reflection. */
import type { ConnectRouter } from "@connectrpc/connect";
import type { ApiKeyService as ApiKeys } from "../auth/api-key-service.js";
import { ApiKeyService } from "../gen/taskyard/v1/api_key_service_pb.js";
import { QueueService } from "../gen/taskyard/v1/queue_service_pb.js";
import { SavedViewService } from "../gen/taskyard/v1/saved_view_service_pb.js";
import { TaskService } from "../gen/taskyard/v1/task_service_pb.js";
import { WorkerService } from "../gen/taskyard/v1/worker_service_pb.js";
import { createApiKeyHandlers } from "./api-key-handlers.js";
import type { HealthService } from "./health.js";
import { createQueueHandlers, type QueueHandlerDeps } from "./queue-handlers.js";
import { registerReflection } from "./reflection.js";
import { createSavedViewHandlers, type SavedViewHandlerDeps } from "./saved-view-handlers.js";
import { createTaskHandlers, type TaskHandlerDeps } from "./task-handlers.js";
import { createWorkerHandlers, type WorkerHandlerDeps } from "./worker-handlers.js";

export interface RouteDeps extends TaskHandlerDeps, QueueHandlerDeps, WorkerHandlerDeps, SavedViewHandlerDeps {
  health: HealthService;
  apiKeys: ApiKeys;
}

export function createRoutes(deps: RouteDeps): (router: ConnectRouter) => void {
  return (router) => {
    router.service(TaskService, createTaskHandlers(deps));
    router.service(QueueService, createQueueHandlers(deps));
    router.service(ApiKeyService, createApiKeyHandlers(deps));
    router.service(WorkerService, createWorkerHandlers(deps));
    router.service(SavedViewService, createSavedViewHandlers(deps));
    deps.health.register(router);
    registerReflection(router, [TaskService, QueueService, ApiKeyService, WorkerService, SavedViewService]);
  };
}

export const SERVED_SERVICES = [TaskService.typeName, QueueService.typeName, ApiKeyService.typeName, WorkerService.typeName, SavedViewService.typeName];
