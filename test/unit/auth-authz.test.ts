import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { grants, highestRole } from "../../src/auth/roles.js";
import { WorkerService } from "../../src/gen/taskyard/v1/worker_service_pb.js";
import { Health } from "../../src/gen/grpc/health/v1/health_pb.js";
import * as reflectionV1 from "../../src/gen/grpc/reflection/v1/reflection_pb.js";
import * as reflectionV1alpha from "../../src/gen/grpc/reflection/v1alpha/reflection_pb.js";
import { ApiKeyService } from "../../src/gen/taskyard/v1/api_key_service_pb.js";
import { QueueService } from "../../src/gen/taskyard/v1/queue_service_pb.js";
import { SavedViewService } from "../../src/gen/taskyard/v1/saved_view_service_pb.js";
import { TaskSchema, TaskVisibility } from "../../src/gen/taskyard/v1/task_pb.js";
import { TaskService } from "../../src/gen/taskyard/v1/task_service_pb.js";
import { PUBLIC_SERVICES, RULES, requirementOf } from "../../src/rpc/authz.js";

const PROTECTED = [TaskService, QueueService, ApiKeyService, WorkerService, SavedViewService, reflectionV1.ServerReflection, reflectionV1alpha.ServerReflection];

describe("the role table", () => {
  it.each(PROTECTED.map((s) => s.typeName))("has a row for every method %s declares, and no stale rows", (typeName) => {
    const service = PROTECTED.find((s) => s.typeName === typeName)!;
    expect(Object.keys(RULES[typeName] ?? {}).sort()).toEqual(service.methods.map((m) => m.name).sort());
  });

  it("leaves only health public", () => {
    expect([...PUBLIC_SERVICES]).toEqual([Health.typeName]);
  });

  it("lets viewers read, operators steer, admins delete and manage", () => {
    const role = (service: string, method: string) => requirementOf(service, method, {}).roles[0];
    expect(role(TaskService.typeName, "ListTasks")).toBe("viewer");
    expect(role(TaskService.typeName, "WatchTask")).toBe("viewer");
    expect(role(TaskService.typeName, "CreateTask")).toBe("operator");
    expect(role(TaskService.typeName, "CancelTask")).toBe("operator");
    expect(role(QueueService.typeName, "MoveTask")).toBe("operator");
    expect(role(TaskService.typeName, "DeleteTask")).toBe("admin");
    expect(role(QueueService.typeName, "CreateQueue")).toBe("admin");
    expect(role(ApiKeyService.typeName, "ListApiKeys")).toBe("admin");
  });

  it("asks admin for force, and names it", () => {
    expect(requirementOf(TaskService.typeName, "RetryTask", { force: false })).toEqual({ roles: ["operator"], what: "taskyard.v1.TaskService/RetryTask" });
    expect(requirementOf(TaskService.typeName, "RetryTask", { force: true })).toEqual({ roles: ["admin"], what: "taskyard.v1.TaskService/RetryTask with force" });
    expect(requirementOf(TaskService.typeName, "RetryTask", undefined).roles[0]).toBe("operator");
  });

  it("asks admin for sharing a task with every tenant, and names it", () => {
    const task = (visibility: TaskVisibility) => create(TaskSchema, { type: "demo.sleep", visibility });
    const createCall = (visibility: TaskVisibility) => requirementOf(TaskService.typeName, "CreateTask", { task: task(visibility) });
    expect(createCall(TaskVisibility.UNSPECIFIED).roles[0]).toBe("operator");
    expect(createCall(TaskVisibility.PRIVATE).roles[0]).toBe("operator");
    expect(createCall(TaskVisibility.PUBLIC)).toEqual({ roles: ["admin"], what: "taskyard.v1.TaskService/CreateTask setting visibility" });
    const batch = (...vs: TaskVisibility[]) => requirementOf(TaskService.typeName, "BatchCreateTasks", { requests: vs.map((v) => ({ task: task(v) })) }).roles[0];
    expect(batch(TaskVisibility.PRIVATE, TaskVisibility.UNSPECIFIED)).toBe("operator");
    expect(batch(TaskVisibility.PRIVATE, TaskVisibility.PUBLIC)).toBe("admin");
    const update = (...paths: string[]) => requirementOf(TaskService.typeName, "UpdateTask", { task: task(TaskVisibility.PUBLIC), updateMask: { paths } }).roles[0];
    expect(update("name", "tags")).toBe("operator"); // the mask decides, not the value carried along
    expect(update("name", "visibility")).toBe("admin");
    expect(requirementOf(TaskService.typeName, "BatchSetTaskVisibility", {}).roles[0]).toBe("admin");
    // BatchUpdateTasks: any inner request decides.
    const batchUpdate = (...reqs: Array<{ force?: boolean; paths: string[] }>) =>
      requirementOf(TaskService.typeName, "BatchUpdateTasks", { requests: reqs.map((r) => ({ task: task(TaskVisibility.PUBLIC), force: r.force ?? false, updateMask: { paths: r.paths } })) });
    expect(batchUpdate({ paths: ["name"] }, { paths: ["tags"] }).roles[0]).toBe("operator");
    expect(batchUpdate({ paths: ["name"] }, { paths: ["visibility"] })).toEqual({ roles: ["admin"], what: "taskyard.v1.TaskService/BatchUpdateTasks setting visibility" });
    expect(batchUpdate({ paths: ["name"] }, { paths: ["params"], force: true })).toEqual({ roles: ["admin"], what: "taskyard.v1.TaskService/BatchUpdateTasks with force" });
  });

  it("fails closed: an unknown method needs admin", () => {
    expect(requirementOf(TaskService.typeName, "FutureMethod", {}).roles[0]).toBe("admin");
    expect(requirementOf("some.Other", "Thing", {}).roles[0]).toBe("admin");
  });
});

describe("roles", () => {
  it("include the ones below them", () => {
    expect(grants(["admin"], "viewer")).toBe(true);
    expect(grants(["operator"], "operator")).toBe(true);
    expect(grants(["operator"], "admin")).toBe(false);
    expect(grants(["viewer", "operator"], "operator")).toBe(true);
    expect(grants([], "viewer")).toBe(false);
    expect(highestRole(["viewer", "admin", "operator"])).toBe("admin");
    expect(highestRole([])).toBeUndefined();
  });

  it("keep worker apart: it grants only worker rules, and admin includes it", () => {
    expect(grants(["worker"], "worker")).toBe(true);
    expect(grants(["admin"], "worker")).toBe(true);
    expect(grants(["operator"], "worker")).toBe(false);
    expect(grants(["worker"], "viewer")).toBe(false);
    expect(grants(["worker"], "operator")).toBe(false);
    expect(highestRole(["worker", "viewer"])).toBe("viewer");
    expect(requirementOf(WorkerService.typeName, "ReportTaskProgress", {}).roles).toEqual(["worker"]);
    expect(requirementOf(TaskService.typeName, "ListTaskTypes", {}).roles).toEqual(["viewer", "worker"]);
  });
});
