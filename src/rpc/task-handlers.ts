/**
 * TaskService RPC handlers: read the caller, validate the request into a domain input, call one
 * service method, convert the answer. RPCs not implemented here answer UNIMPLEMENTED.
 */
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { ListTaskEventsResponseSchema, ListTasksResponseSchema, type TaskService as TaskServiceDesc } from "../gen/taskyard/v1/task_service_pb.js";
import type { TaskService } from "../tasks/service.js";
import { callerOf } from "./caller.js";
import { eventToPb, taskToPb } from "./convert.js";
import { validateCreateTask, validateId, validateListTasks, validatePageSize } from "./validate.js";

export interface TaskHandlerDeps {
  service: TaskService;
  temporalUiUrl: (workflowId: string | null, runId: string | null) => string;
}

export function createTaskHandlers({ service, temporalUiUrl }: TaskHandlerDeps): Partial<ServiceImpl<typeof TaskServiceDesc>> {
  const toPb = (t: Parameters<typeof taskToPb>[0]) => taskToPb(t, temporalUiUrl);
  return {
    async createTask(req, ctx) {
      return toPb(await service.create(callerOf(ctx), validateCreateTask(req)));
    },

    async getTask(req, ctx) {
      return toPb(await service.get(callerOf(ctx), validateId("id", req.id)));
    },

    async listTasks(req, ctx) {
      const page = await service.list(callerOf(ctx), validateListTasks(req));
      return create(ListTasksResponseSchema, {
        tasks: page.tasks.map(toPb),
        nextPageToken: page.nextPageToken,
        totalSize: page.totalSize,
      });
    },

    async cancelTask(req, ctx) {
      return toPb(await service.cancel(callerOf(ctx), validateId("id", req.id), req.reason));
    },

    async retryTask(req, ctx) {
      return toPb(await service.retry(callerOf(ctx), validateId("id", req.id), req.reason, req.force));
    },

    async listTaskEvents(req, ctx) {
      const page = await service.listEvents(callerOf(ctx), validateId("id", req.id), validatePageSize("page_size", req.pageSize, 100), req.pageToken);
      return create(ListTaskEventsResponseSchema, { events: page.events.map(eventToPb), nextPageToken: page.nextPageToken });
    },
  };
}
