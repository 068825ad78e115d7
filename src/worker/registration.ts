/** Handlers as the registry sees them: a RegisterWorker request (schemas and defaults travel with it). */
import { create } from "@bufbuild/protobuf";
import { RegisterWorkerRequestSchema, type RegisterWorkerRequest } from "../gen/taskyard/v1/worker_service_pb.js";
import { typeDefaultsToPb } from "../rpc/convert.js";
import type { TaskTypeSpec } from "../task-types/types.js";
import type { TaskHandler } from "./handler.js";

/** A handler's type as the registry stores it (for fixtures that register without a worker). */
export function specOf(h: TaskHandler): TaskTypeSpec {
  return {
    type: h.type,
    description: h.description,
    paramsSchema: h.paramsSchema,
    resultSchema: h.resultSchema,
    retryPolicy: h.defaults?.retryPolicy ?? {},
    timeouts: h.defaults?.timeouts ?? {},
    ...(h.retryItemsParam ? { retryItemsParam: h.retryItemsParam } : {}),
  };
}

export function registrationOf(workerId: string, identity: string, sdk: string, queues: readonly string[] | "all", handlers: readonly TaskHandler[]): RegisterWorkerRequest {
  return create(RegisterWorkerRequestSchema, {
    workerId,
    identity,
    sdk,
    queues: queues === "all" ? [] : [...queues],
    allQueues: queues === "all",
    taskTypes: handlers.map((h) => ({
      type: h.type,
      description: h.description,
      paramsSchema: h.paramsSchema,
      resultSchema: h.resultSchema,
      ...typeDefaultsToPb(h.defaults?.retryPolicy ?? {}, h.defaults?.timeouts ?? {}),
      retryItemsParam: h.retryItemsParam ?? "",
    })),
  });
}
