/** Every service on one Connect router: TaskService, QueueService, health and reflection. */
import type { ConnectRouter } from "@connectrpc/connect";
import { QueueService } from "../gen/taskyard/v1/queue_service_pb.js";
import { TaskService } from "../gen/taskyard/v1/task_service_pb.js";
import type { HealthService } from "./health.js";
import { registerReflection } from "./reflection.js";
import { createTaskHandlers, type TaskHandlerDeps } from "./task-handlers.js";

export interface RouteDeps extends TaskHandlerDeps {
  health: HealthService;
}

export function createRoutes(deps: RouteDeps): (router: ConnectRouter) => void {
  return (router) => {
    router.service(TaskService, createTaskHandlers(deps));
    // QueueService is declared in the API; its RPCs answer UNIMPLEMENTED until they land.
    router.service(QueueService, {});
    deps.health.register(router);
    registerReflection(router, [TaskService, QueueService]);
  };
}

export const SERVED_SERVICES = [TaskService.typeName, QueueService.typeName];
