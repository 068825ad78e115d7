/**
 * TaskService's WatchTasks and ExplainTaskWait handlers, spread into createTaskHandlers' object
 * (kept apart so task-handlers.ts stays small). WatchTasks' query is checked by the very
 * function ListTasks uses; its errors are re-rooted under `query` (`query.filter: …`).
 */
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { InvalidArgumentError } from "../domain/errors.js";
import {
  ListTasksRequestSchema,
  TaskWaitExplanationSchema,
  WatchTasksResponseSchema,
  type TaskService as TaskServiceDesc,
} from "../gen/taskyard/v1/task_service_pb.js";
import type { WaitExplainer } from "../queues/wait-explainer.js";
import type { TaskQueryService } from "../tasks/query-service.js";
import type { Task } from "../tasks/types.js";
import { callerOf } from "./caller.js";
import { msToDuration, statusToPb, taskToPb } from "./convert.js";
import { validateId, validateListTasks } from "./validate.js";

export interface TaskWatchHandlerDeps {
  reads: TaskQueryService;
  waits: WaitExplainer;
  temporalUiUrl: (workflowId: string | null, runId: string | null) => string;
}

type Impl = ServiceImpl<typeof TaskServiceDesc>;

export function createTaskWatchHandlers({ reads, waits, temporalUiUrl }: TaskWatchHandlerDeps): Pick<Impl, "watchTasks" | "explainTaskWait"> {
  return {
    async *watchTasks(req, ctx) {
      const caller = callerOf(ctx);
      const toPb = (t: Task) => taskToPb(t, temporalUiUrl, caller.tenant);
      const input = underQuery(() => validateListTasks(req.query ?? create(ListTasksRequestSchema)));
      try {
        for await (const change of reads.watchList(caller, input, ctx.signal)) {
          yield create(WatchTasksResponseSchema, { ...change, tasks: change.tasks.map(toPb) });
        }
      } catch (err) {
        // A page token that does not fit the query is found by the first read.
        throw reRooted(err);
      }
    },

    async explainTaskWait(req, ctx) {
      const x = await waits.explain(callerOf(ctx), validateId("id", req.id));
      return create(TaskWaitExplanationSchema, {
        taskId: x.taskId,
        status: statusToPb(x.status),
        waiting: x.waiting,
        summary: x.summary,
        reasons: x.reasons,
        queue: x.queue,
        position: x.position === undefined ? undefined : BigInt(x.position),
        aheadInBand: BigInt(x.aheadInBand),
        aheadHigherPriority: BigInt(x.aheadHigherPriority),
        estimatedWait: x.estimatedWaitMs === undefined ? undefined : msToDuration(x.estimatedWaitMs),
        startedPerMinute: x.startedPerMinute,
      });
    },
  };
}

function underQuery<T>(validate: () => T): T {
  try {
    return validate();
  } catch (err) {
    throw reRooted(err);
  }
}

function reRooted(err: unknown): unknown {
  if (err instanceof InvalidArgumentError && err.field) {
    return new InvalidArgumentError(`query.${err.message}`, `query.${err.field}`);
  }
  return err;
}
