/**
 * TaskService RPC handlers: read the caller, validate the request into a domain input, call one
 * service method, convert the answer. Nothing here decides anything.
 */
import { create } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import {
  BatchCreateTasksResponseSchema,
  BatchGetTasksResponseSchema,
  BatchUpdateTasksResponseSchema,
  GetTaskFilterOptionsResponseSchema,
  ListTaskEventsResponseSchema,
  ListTasksResponseSchema,
  ListTaskTypesResponseSchema,
  type TaskService as TaskServiceDesc,
} from "../gen/taskyard/v1/task_service_pb.js";
import type { BatchTarget } from "../tasks/inputs.js";
import type { TaskQueryService } from "../tasks/query-service.js";
import type { TaskService } from "../tasks/service.js";
import type { Caller, Task } from "../tasks/types.js";
import { callerOf } from "./caller.js";
import { eventToPb, taskToPb } from "./convert.js";
import { batchResultsToPb } from "./batch-results.js";
import {
  validateBatchCreate,
  validateBatchTarget,
  validateBatchUpdate,
  validateCloneTask,
  validateCreateTask,
  validateId,
  validateIds,
  validateLabelKeys,
  validateListTasks,
  validatePageSize,
  validateProject,
  validateSelection,
  validateTagLists,
  validateUpdateTask,
  validateVisibility,
  validateWaitTimeout,
  LIMITS,
  TYPE_RE,
} from "./validate.js";
import { taskTypeToPb } from "./worker-handlers.js";
import { createTaskWatchHandlers, type TaskWatchHandlerDeps } from "./task-watch-handlers.js";
import type { TaskTypeCatalog } from "../task-types/catalog.js";
import type { TaskTypeService } from "../task-types/service.js";

export interface TaskHandlerDeps extends TaskWatchHandlerDeps {
  service: TaskService;
  reads: TaskQueryService;
  temporalUiUrl: (workflowId: string | null, runId: string | null) => string;
  /** Registered task types: their retry policy and timeouts fill what a request leaves unset. */
  types: TaskTypeCatalog;
  taskTypes: TaskTypeService;
}

export function createTaskHandlers(deps: TaskHandlerDeps): ServiceImpl<typeof TaskServiceDesc> {
  const { service, reads, temporalUiUrl, types, taskTypes } = deps;
  /** Defaults of the well-formed types a request names (validation reports malformed ones). */
  const defaultsFor = (ctx: HandlerContext, requests: ReadonlyArray<{ task?: { type: string } }>) =>
    types.defaultsFor(callerOf(ctx).tenant, requests.map((r) => r.task?.type ?? "").filter((t) => t.length <= LIMITS.typeLength && TYPE_RE.test(t)));
  /** The converter for one call: tasks of another tenant (public ones) come back read_only. */
  const toPbFor = (ctx: HandlerContext) => {
    const { tenant } = callerOf(ctx);
    return (t: Task) => taskToPb(t, temporalUiUrl, tenant);
  };
  const batch = (ctx: HandlerContext, target: BatchTarget, op: (caller: Caller, id: string) => Promise<unknown>) => {
    const caller = callerOf(ctx);
    return service.batch(caller, target, (id) => op(caller, id)).then((rs) => ({ results: batchResultsToPb(rs) }));
  };

  return {
    ...createTaskWatchHandlers(deps),

    async createTask(req, ctx) {
      return toPbFor(ctx)(await service.create(callerOf(ctx), validateCreateTask(req, await defaultsFor(ctx, [req]))));
    },

    async batchCreateTasks(req, ctx) {
      const tasks = await service.createMany(callerOf(ctx), validateBatchCreate(req, await defaultsFor(ctx, req.requests)), req.validateOnly);
      return create(BatchCreateTasksResponseSchema, { tasks: tasks.map(toPbFor(ctx)) });
    },

    async getTask(req, ctx) {
      return toPbFor(ctx)(await reads.get(callerOf(ctx), validateId("id", req.id)));
    },

    async batchGetTasks(req, ctx) {
      const tasks = await reads.getMany(callerOf(ctx), validateIds("ids", req.ids));
      return create(BatchGetTasksResponseSchema, { tasks: tasks.map(toPbFor(ctx)) });
    },

    async listTasks(req, ctx) {
      const page = await reads.list(callerOf(ctx), validateListTasks(req));
      return create(ListTasksResponseSchema, { tasks: page.tasks.map(toPbFor(ctx)), nextPageToken: page.nextPageToken, totalSize: page.totalSize });
    },

    async getTaskFilterOptions(req, ctx) {
      const selection = validateSelection({
        project: "",
        type: "",
        statuses: [],
        queue: "",
        createdBy: "",
        tags: [],
        labels: {},
        parentId: "",
        createTime: req.createTime,
        startTime: undefined,
        endTime: undefined,
        search: "",
        filter: req.filter,
        includeArchived: req.includeArchived,
      });
      const f = await reads.filterOptions(callerOf(ctx), selection, validateLabelKeys("label_keys", req.labelKeys));
      const opts = (xs: Array<{ value: string; count: number }>) => xs.map((x) => ({ value: x.value, count: BigInt(x.count) }));
      return create(GetTaskFilterOptionsResponseSchema, {
        projects: opts(f.projects),
        types: opts(f.types),
        queues: opts(f.queues),
        createdBy: opts(f.createdBy),
        tags: opts(f.tags),
        statuses: f.statuses.map((s) => ({ value: `TASK_STATUS_${s.value}`, count: BigInt(s.count) })),
        labels: f.labels.map((l) => ({ key: l.key, values: opts(l.values) })),
      });
    },

    async listTaskTypes(req, ctx) {
      const page = await taskTypes.list(callerOf(ctx), validatePageSize("page_size", req.pageSize, 100), req.pageToken);
      return create(ListTaskTypesResponseSchema, { taskTypes: page.types.map(taskTypeToPb), nextPageToken: page.nextPageToken });
    },

    async updateTask(req, ctx) {
      const { id, update, force } = validateUpdateTask(req);
      return toPbFor(ctx)(await service.update(callerOf(ctx), id, update, force));
    },

    async cancelTask(req, ctx) {
      return toPbFor(ctx)(await service.cancel(callerOf(ctx), validateId("id", req.id), req.reason, req.force));
    },

    async retryTask(req, ctx) {
      const id = validateId("id", req.id);
      if (req.failedItemsOnly) return toPbFor(ctx)(await service.retryFailedItems(callerOf(ctx), id));
      return toPbFor(ctx)(await service.retry(callerOf(ctx), id, req.reason, req.force));
    },

    async resetTask(req, ctx) {
      return toPbFor(ctx)(await service.reset(callerOf(ctx), validateId("id", req.id), req.reason, req.force));
    },

    async cloneTask(req, ctx) {
      const { id, overrides, start, requestId } = validateCloneTask(req);
      return toPbFor(ctx)(await service.clone(callerOf(ctx), id, overrides, start, requestId));
    },

    async deleteTask(req, ctx) {
      await service.delete(callerOf(ctx), validateId("id", req.id), req.force);
      return {};
    },

    async archiveTask(req, ctx) {
      return toPbFor(ctx)(await service.setArchived(callerOf(ctx), validateId("id", req.id), true));
    },

    async unarchiveTask(req, ctx) {
      return toPbFor(ctx)(await service.setArchived(callerOf(ctx), validateId("id", req.id), false));
    },

    async publishTask(req, ctx) {
      return toPbFor(ctx)(await service.publish(callerOf(ctx), validateId("id", req.id)));
    },

    async listTaskEvents(req, ctx) {
      const page = await reads.listEvents(callerOf(ctx), validateId("id", req.id), validatePageSize("page_size", req.pageSize, 100), req.pageToken);
      return create(ListTaskEventsResponseSchema, { events: page.events.map(eventToPb), nextPageToken: page.nextPageToken });
    },

    async *watchTask(req, ctx) {
      const toPb = toPbFor(ctx);
      for await (const task of reads.watch(callerOf(ctx), validateId("id", req.id), ctx.signal)) yield toPb(task);
    },

    async waitTask(req, ctx) {
      return toPbFor(ctx)(await reads.wait(callerOf(ctx), validateId("id", req.id), validateWaitTimeout(req.timeout), ctx.signal));
    },

    batchCancelTasks(req, ctx) {
      return batch(ctx, validateBatchTarget(req.ids, req.filter), (caller, id) => service.cancel(caller, id, req.reason));
    },

    async batchRetryTasks(req, ctx) {
      const target = validateBatchTarget(req.ids, req.filter);
      if (req.failedItemsOnly) return { results: batchResultsToPb(await service.batchRetryFailedItems(callerOf(ctx), target)) };
      return batch(ctx, target, (caller, id) => service.retry(caller, id, req.reason, false));
    },

    batchArchiveTasks(req, ctx) {
      return batch(ctx, validateBatchTarget(req.ids, req.filter), (caller, id) => service.setArchived(caller, id, true));
    },

    batchUnarchiveTasks(req, ctx) {
      return batch(ctx, validateBatchTarget(req.ids, req.filter), (caller, id) => service.setArchived(caller, id, false));
    },

    batchDeleteTasks(req, ctx) {
      return batch(ctx, validateBatchTarget(req.ids, req.filter), (caller, id) => service.delete(caller, id, req.force));
    },

    batchMoveTasksToProject(req, ctx) {
      const project = validateProject("project", req.project);
      return batch(ctx, validateBatchTarget(req.ids, req.filter), (caller, id) => service.setProject(caller, id, project));
    },

    batchSetTaskVisibility(req, ctx) {
      const visibility = validateVisibility("visibility", req.visibility);
      return batch(ctx, validateBatchTarget(req.ids, req.filter), (caller, id) => service.setVisibility(caller, id, visibility));
    },

    async batchUpdateTasks(req, ctx) {
      const results = await service.updateMany(callerOf(ctx), validateBatchUpdate(req));
      return create(BatchUpdateTasksResponseSchema, { results: batchResultsToPb(results) });
    },

    batchPublishTasks(req, ctx) {
      return batch(ctx, validateBatchTarget(req.ids, req.filter), (caller, id) => service.publish(caller, id));
    },

    batchResetTasks(req, ctx) {
      return batch(ctx, validateBatchTarget(req.ids, req.filter), (caller, id) => service.reset(caller, id, req.reason, req.force));
    },

    batchUpdateTaskTags(req, ctx) {
      const { add, remove } = validateTagLists(req.addTags, req.removeTags);
      return batch(ctx, validateBatchTarget(req.ids, req.filter), (caller, id) => service.updateTags(caller, id, add, remove));
    },
  };
}
