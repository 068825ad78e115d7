/**
 * Which role each RPC needs (DESIGN.md "Security"; docs/security.md has the same table for
 * operators). Roles are cumulative: viewer < operator < admin; worker stands apart (admin
 * includes it) and may call WorkerService and ListTaskTypes only.
 *
 * - Health is public: load balancers and kubelets probe it without credentials.
 * - Reflection needs a credential (viewer): the schema is no secret, but an open bidi stream for
 *   anonymous callers is an easy way to hold server resources. `grpcurl -H` / `buf curl -H`
 *   pass the header. With authentication off (`taskyard dev`) it is open like everything else.
 * - `force` on UpdateTask, BatchUpdateTasks, CancelTask (a force stop), RetryTask, ResetTask and BatchResetTasks needs admin
 *   (the "force flags"); in a batch, any inner request with it.
 * - Sharing a task with every tenant is an admin decision: CreateTask / BatchCreateTasks with
 *   visibility PUBLIC, UpdateTask with `visibility` in its mask, and BatchSetTaskVisibility.
 * - A method missing from this table needs admin (fail closed); test/unit/auth-authz.test.ts
 *   fails until every method of every served service has its row.
 */
import { Health } from "../gen/grpc/health/v1/health_pb.js";
import * as reflectionV1 from "../gen/grpc/reflection/v1/reflection_pb.js";
import * as reflectionV1alpha from "../gen/grpc/reflection/v1alpha/reflection_pb.js";
import { ApiKeyService } from "../gen/taskyard/v1/api_key_service_pb.js";
import { QueueService } from "../gen/taskyard/v1/queue_service_pb.js";
import { SavedViewService } from "../gen/taskyard/v1/saved_view_service_pb.js";
import { TaskVisibility } from "../gen/taskyard/v1/task_pb.js";
import { TaskService } from "../gen/taskyard/v1/task_service_pb.js";
import { WorkerService } from "../gen/taskyard/v1/worker_service_pb.js";
import type { Role } from "../auth/roles.js";

/**
 * A role, or a role plus stricter ones when the request sets `force = true` (`force`) or sets a
 * task's visibility (`visibility`).
 */
export type Rule = Role | { role: Role; force?: Role; visibility?: Role } | { anyOf: readonly Role[] };

export const PUBLIC_SERVICES: ReadonlySet<string> = new Set([Health.typeName]);

export const RULES: Readonly<Record<string, Readonly<Record<string, Rule>>>> = {
  [TaskService.typeName]: {
    GetTask: "viewer",
    BatchGetTasks: "viewer",
    ListTasks: "viewer",
    GetTaskFilterOptions: "viewer",
    ListTaskTypes: { anyOf: ["viewer", "worker"] },
    ListTaskEvents: "viewer",
    WatchTask: "viewer",
    WaitTask: "viewer",
    WatchTasks: "viewer",
    ExplainTaskWait: "viewer",
    CreateTask: { role: "operator", visibility: "admin" },
    BatchCreateTasks: { role: "operator", visibility: "admin" },
    UpdateTask: { role: "operator", force: "admin", visibility: "admin" },
    BatchUpdateTasks: { role: "operator", force: "admin", visibility: "admin" },
    CancelTask: { role: "operator", force: "admin" },
    RetryTask: { role: "operator", force: "admin" },
    ResetTask: { role: "operator", force: "admin" },
    CloneTask: "operator",
    ArchiveTask: "operator",
    UnarchiveTask: "operator",
    PublishTask: "operator",
    BatchCancelTasks: "operator",
    BatchRetryTasks: "operator",
    BatchArchiveTasks: "operator",
    BatchUnarchiveTasks: "operator",
    BatchUpdateTaskTags: "operator",
    BatchMoveTasksToProject: "operator",
    BatchPublishTasks: "operator",
    BatchResetTasks: { role: "operator", force: "admin" },
    DeleteTask: "admin",
    BatchDeleteTasks: "admin",
    BatchSetTaskVisibility: "admin",
  },
  [QueueService.typeName]: {
    GetQueue: "viewer",
    ListQueues: "viewer",
    ListQueueEntries: "viewer",
    GetQueueStats: "viewer",
    EnqueueTask: "operator",
    DequeueTask: "operator",
    BatchEnqueueTasks: "operator",
    BatchDequeueTasks: "operator",
    MoveTask: "operator",
    PauseQueue: "operator",
    ResumeQueue: "operator",
    CreateQueue: "admin",
    UpdateQueue: "admin",
    DeleteQueue: "admin",
    PurgeQueue: "admin",
  },
  [ApiKeyService.typeName]: {
    CreateApiKey: "admin",
    ListApiKeys: "admin",
    RevokeApiKey: "admin",
  },
  [WorkerService.typeName]: {
    RegisterWorker: "worker",
    UnregisterWorker: "worker",
    StartTaskRun: "worker",
    ReportTaskProgress: "worker",
    AddTaskArtifact: "worker",
    EnterTaskCommitPhase: "worker",
  },
  // Personal views and reading shared ones need viewer; the owner-or-admin rule for changing a
  // view is the service's (it depends on the row).
  [SavedViewService.typeName]: {
    CreateSavedView: "viewer",
    GetSavedView: "viewer",
    ListSavedViews: "viewer",
    UpdateSavedView: "viewer",
    DeleteSavedView: "viewer",
  },
  [reflectionV1.ServerReflection.typeName]: { ServerReflectionInfo: "viewer" },
  [reflectionV1alpha.ServerReflection.typeName]: { ServerReflectionInfo: "viewer" },
};

export interface Requirement {
  /** Any one of these suffices. */
  roles: readonly Role[];
  /** What needs the role, for the PERMISSION_DENIED message. */
  what: string;
}

/** The role a call needs; `message` is the request of a unary call (undefined for streams). */
export function requirementOf(service: string, method: string, message: unknown): Requirement {
  const procedure = `${service}/${method}`;
  const rule = RULES[service]?.[method];
  if (rule === undefined) return { roles: ["admin"], what: procedure };
  if (typeof rule === "string") return { roles: [rule], what: procedure };
  if ("anyOf" in rule) return { roles: rule.anyOf, what: procedure };
  if (rule.force && anyRequest(message, (m) => m.force === true)) return { roles: [rule.force], what: `${procedure} with force` };
  if (rule.visibility && anyRequest(message, setsVisibility)) return { roles: [rule.visibility], what: `${procedure} setting visibility` };
  return { roles: [rule.role], what: procedure };
}

interface RequestLike {
  force?: unknown;
  task?: { visibility?: unknown };
  updateMask?: { paths?: string[] };
  /** The inner requests of BatchCreateTasks / BatchUpdateTasks. */
  requests?: RequestLike[];
}

/** `test` holds for the message or for any of its inner `requests`. */
function anyRequest(message: unknown, test: (m: RequestLike) => boolean): boolean {
  const m = message as RequestLike | undefined;
  if (!m) return false;
  return test(m) || (m.requests?.some((r) => test(r)) ?? false);
}

/** An update whose mask has `visibility`, or a create of a PUBLIC task. */
function setsVisibility(m: RequestLike): boolean {
  if (m.updateMask) return m.updateMask.paths?.includes("visibility") ?? false;
  return m.task?.visibility === TaskVisibility.PUBLIC;
}
