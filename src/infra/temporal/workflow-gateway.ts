/** WorkflowGateway over the Temporal client: start (idempotent), abort signal, describe. */
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from "@temporalio/client";
import { ServiceError } from "@temporalio/client";
import type { SearchAttributePair } from "@temporalio/common";
import { SpanKind } from "@opentelemetry/api";
import { FailedPreconditionError, UnavailableError } from "../../domain/errors.js";
import type { Task } from "../../tasks/types.js";
import type { ExecutionState, WorkflowGateway } from "../../tasks/workflow-gateway.js";
import { abortSignal, TASK_WORKFLOW, type TaskWorkflowInput } from "../../../workflows/definitions.js";
import { PROJECT_KEY, TASK_ID_KEY, TYPE_KEY } from "./search-attributes.js";
import { handlerTaskQueue } from "../../task-types/types.js";
import { contextOfTraceParent, inSpan } from "../trace-context.js";

/** `queueTaskQueue`: the Temporal task queue of the task's queue, from which the handler task queue derives. */
export function workflowInput(task: Task, queueTaskQueue: string): TaskWorkflowInput {
  return {
    tenant: task.tenant,
    taskId: task.id,
    attempt: task.attempt,
    type: task.type,
    queue: task.queue,
    handlerTaskQueue: handlerTaskQueue(queueTaskQueue, task.tenant, task.type),
    retry: { ...task.retryPolicy },
    timeouts: { ...task.timeouts },
  };
}

export interface WorkflowGatewayOptions {
  /** Search attributes the namespace has (ensureSearchAttributes); `true` = all of Taskyard's, `false` = none. */
  searchAttributes: boolean | ReadonlySet<string>;
  /** Where taskWorkflow itself runs (the `serve` replicas poll it). */
  workflowTaskQueue: string;
  /** The console's external base URL (no trailing slash): workflows then link back to their task. */
  consoleUrl?: string;
}

/** The search attributes of a task's workflow, limited to those the namespace has. */
export function taskSearchAttributes(task: Task, available: boolean | ReadonlySet<string>): SearchAttributePair[] {
  const pairs: SearchAttributePair[] = [
    { key: TYPE_KEY, value: task.type },
    { key: PROJECT_KEY, value: task.project },
    { key: TASK_ID_KEY, value: task.id },
  ];
  return typeof available === "boolean" ? (available ? pairs : []) : pairs.filter((p) => available.has(p.key.name));
}

/** What the Temporal UI shows of a task's workflow: a one-line summary, and a link back to the task when the console's URL is known. */
export function taskUserMetadata(task: Task, consoleUrl: string | undefined): { staticSummary: string; staticDetails?: string } {
  const staticSummary = `${task.type} task ${task.id}`;
  if (!consoleUrl) return { staticSummary };
  return { staticSummary, staticDetails: `[Open in Taskyard console](${consoleUrl}/tasks/${encodeURIComponent(task.id)})` };
}

export function createWorkflowGateway(client: Client, options: WorkflowGatewayOptions): WorkflowGateway {
  const gateway: WorkflowGateway = {
    async start(task, queueTaskQueue) {
      // Temporal would accept the workflow but never schedule its activity on such a queue: refuse
      // here, so the dispatcher puts the task back (DISPATCH_FAILED) instead of starting a workflow
      // that cannot progress.
      const handlerQueue = handlerTaskQueue(queueTaskQueue, task.tenant, task.type);
      if (handlerQueue.startsWith("/_sys/") || handlerQueue.length > 1000) {
        throw new FailedPreconditionError(`queue "${task.queue}" has temporal task queue "${queueTaskQueue}", which Temporal cannot use (a reserved /_sys/ name or too long); change it with UpdateQueue`);
      }
      const attributes = taskSearchAttributes(task, options.searchAttributes);
      try {
        const handle = await client.workflow.start(TASK_WORKFLOW, {
          taskQueue: options.workflowTaskQueue,
          workflowId: task.id,
          args: [workflowInput(task, queueTaskQueue)],
          // A second start of a running task (a dispatcher that lost its commit) joins the first.
          workflowIdConflictPolicy: "USE_EXISTING",
          ...(attributes.length > 0 ? { typedSearchAttributes: attributes } : {}),
          ...taskUserMetadata(task, options.consoleUrl),
          memo: { tenant: task.tenant, attempt: task.attempt },
        });
        return { runId: handle.firstExecutionRunId };
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) {
          const desc = await client.workflow.getHandle(task.id).describe();
          return { runId: desc.runId };
        }
        throw unavailable(err);
      }
    },

    async terminate(task, reason) {
      try {
        await client.workflow.getHandle(task.id).terminate(reason);
        return "terminated";
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return "not_found";
        throw unavailable(err);
      }
    },

    async abort(task, reason) {
      try {
        await client.workflow.getHandle(task.id).signal(abortSignal, reason);
        return "signalled";
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return "not_found";
        throw unavailable(err);
      }
    },

    async describe(task): Promise<ExecutionState> {
      try {
        const desc = await client.workflow.getHandle(task.id, task.workflowRunId ?? undefined).describe();
        return desc.status.name as ExecutionState;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return "NOT_FOUND";
        throw unavailable(err);
      }
    },
  };
  return {
    ...gateway,
    start(task, queueTaskQueue) {
      // A child of the RPC that queued the task, however much later and in whichever replica;
      // the client's tracing interceptor carries it on into the workflow and the handler.
      const attributes = { "taskyard.tenant": task.tenant, "taskyard.task.id": task.id, "taskyard.task.type": task.type, "taskyard.queue": task.queue, "taskyard.task.attempt": task.attempt };
      return inSpan(`dispatch ${task.type}`, { kind: SpanKind.PRODUCER, attributes }, contextOfTraceParent(task.traceParent), () => gateway.start(task, queueTaskQueue));
    },
  };
}

function unavailable(err: unknown): unknown {
  if (err instanceof ServiceError) return new UnavailableError("Temporal is unavailable; retry later", { cause: err });
  return err;
}
