/**
 * WorkerService RPC handlers (the API side of docs/workers.md) and the TaskType converter that
 * ListTaskTypes shares. Thin: validate, call one service method, convert.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  EnterTaskCommitPhaseResponseSchema,
  RegisterWorkerResponseSchema,
  ReportTaskProgressResponseSchema,
  StartTaskRunResponseSchema,
  TaskTypeSchema,
  type TaskType as PbTaskType,
  type WorkerService as WorkerServiceDesc,
} from "../gen/taskyard/v1/worker_service_pb.js";
import type { TaskTypeService } from "../task-types/service.js";
import type { TaskType } from "../task-types/types.js";
import type { TaskLifecycle } from "../tasks/lifecycle.js";
import { callerOf } from "./caller.js";
import { msToDuration, taskToPb, typeDefaultsToPb } from "./convert.js";
import { validateId } from "./validate.js";
import { validateArtifact, validateAttempt, validateProgress, validateRegisterWorker, validateWorkerId } from "./worker-validate.js";

export interface WorkerHandlerDeps {
  taskTypes: TaskTypeService;
  lifecycle: TaskLifecycle;
  temporalNamespace: string;
  progressIntervalMs: number;
  temporalUiUrl: (workflowId: string | null, runId: string | null) => string;
}

export function createWorkerHandlers(deps: WorkerHandlerDeps): ServiceImpl<typeof WorkerServiceDesc> {
  const { taskTypes, lifecycle } = deps;
  return {
    async registerWorker(req, ctx) {
      const assignments = await taskTypes.register(callerOf(ctx), validateRegisterWorker(req));
      return create(RegisterWorkerResponseSchema, {
        assignments,
        temporalNamespace: deps.temporalNamespace,
        heartbeatInterval: msToDuration(Math.floor(taskTypes.ttlMs / 3)),
        registrationTtl: msToDuration(taskTypes.ttlMs),
        progressInterval: msToDuration(deps.progressIntervalMs),
      });
    },

    async unregisterWorker(req, ctx) {
      await taskTypes.unregister(callerOf(ctx), validateWorkerId("worker_id", req.workerId));
      return {};
    },

    async startTaskRun(req, ctx) {
      const { tenant } = callerOf(ctx);
      const id = validateId("task_id", req.taskId);
      const task = await lifecycle.startRun(tenant, id, validateAttempt("attempt", req.attempt), validateAttempt("execution_attempt", req.executionAttempt), req.workerId || "unknown");
      return create(StartTaskRunResponseSchema, task ? { live: true, task: taskToPb(task, deps.temporalUiUrl, tenant) } : { live: false });
    },

    async reportTaskProgress(req, ctx) {
      const state = await lifecycle.reportProgress(callerOf(ctx).tenant, validateId("task_id", req.taskId), validateAttempt("attempt", req.attempt), validateProgress(req.progress));
      return create(ReportTaskProgressResponseSchema, { abortRequested: state === "aborting" });
    },

    async addTaskArtifact(req, ctx) {
      await lifecycle.addArtifact(callerOf(ctx).tenant, validateId("task_id", req.taskId), validateAttempt("attempt", req.attempt), validateArtifact(req.artifact));
      return {};
    },

    async enterTaskCommitPhase(req, ctx) {
      const entered = await lifecycle.enterCommitPhase(callerOf(ctx).tenant, validateId("task_id", req.taskId), validateAttempt("attempt", req.attempt));
      return create(EnterTaskCommitPhaseResponseSchema, { entered });
    },
  };
}

export function taskTypeToPb(t: TaskType): PbTaskType {
  return create(TaskTypeSchema, {
    type: t.type,
    description: t.description,
    paramsSchema: t.paramsSchema,
    resultSchema: t.resultSchema,
    ...typeDefaultsToPb(t.retryPolicy, t.timeouts),
    retryItemsParam: t.retryItemsParam ?? "",
    queues: t.queues,
    workersOnline: t.workersOnline,
    lastSeenTime: t.lastSeenTime ? timestampFromDate(t.lastSeenTime) : undefined,
    createTime: timestampFromDate(t.createTime),
    updateTime: timestampFromDate(t.updateTime),
  });
}
