import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { grants, highestRole } from "../../src/auth/roles.js";
import { Health } from "../../src/gen/grpc/health/v1/health_pb.js";
import * as reflectionV1 from "../../src/gen/grpc/reflection/v1/reflection_pb.js";
import * as reflectionV1alpha from "../../src/gen/grpc/reflection/v1alpha/reflection_pb.js";
import { ApiKeyService } from "../../src/gen/taskyard/v1/api_key_service_pb.js";
import { QueueService } from "../../src/gen/taskyard/v1/queue_service_pb.js";
import { TaskSchema, TaskVisibility } from "../../src/gen/taskyard/v1/task_pb.js";
import { TaskService } from "../../src/gen/taskyard/v1/task_service_pb.js";
import { PUBLIC_SERVICES, RULES, requirementOf } from "../../src/rpc/authz.js";

const PROTECTED = [TaskService, QueueService, ApiKeyService, reflectionV1.ServerReflection, reflectionV1alpha.ServerReflection];

describe("the role table", () => {
  it.each(PROTECTED.map((s) => s.typeName))("has a row for every method %s declares, and no stale rows", (typeName) => {
    const service = PROTECTED.find((s) => s.typeName === typeName)!;
    expect(Object.keys(RULES[typeName] ?? {}).sort()).toEqual(service.methods.map((m) => m.name).sort());
  });

  it("leaves only health public", () => {
    expect([...PUBLIC_SERVICES]).toEqual([Health.typeName]);
  });

  it("lets viewers read, operators steer, admins delete and manage", () => {
    const role = (service: string, method: string) => requirementOf(service, method, {}).role;
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
    expect(requirementOf(TaskService.typeName, "RetryTask", { force: false })).toEqual({ role: "operator", what: "taskyard.v1.TaskService/RetryTask" });
    expect(requirementOf(TaskService.typeName, "RetryTask", { force: true })).toEqual({ role: "admin", what: "taskyard.v1.TaskService/RetryTask with force" });
    expect(requirementOf(TaskService.typeName, "RetryTask", undefined).role).toBe("operator");
  });

  it("asks admin for sharing a task with every tenant, and names it", () => {
    const task = (visibility: TaskVisibility) => create(TaskSchema, { type: "demo.sleep", visibility });
    const createCall = (visibility: TaskVisibility) => requirementOf(TaskService.typeName, "CreateTask", { task: task(visibility) });
    expect(createCall(TaskVisibility.UNSPECIFIED).role).toBe("operator");
    expect(createCall(TaskVisibility.PRIVATE).role).toBe("operator");
    expect(createCall(TaskVisibility.PUBLIC)).toEqual({ role: "admin", what: "taskyard.v1.TaskService/CreateTask setting visibility" });
    const batch = (...vs: TaskVisibility[]) => requirementOf(TaskService.typeName, "BatchCreateTasks", { requests: vs.map((v) => ({ task: task(v) })) }).role;
    expect(batch(TaskVisibility.PRIVATE, TaskVisibility.UNSPECIFIED)).toBe("operator");
    expect(batch(TaskVisibility.PRIVATE, TaskVisibility.PUBLIC)).toBe("admin");
    const update = (...paths: string[]) => requirementOf(TaskService.typeName, "UpdateTask", { task: task(TaskVisibility.PUBLIC), updateMask: { paths } }).role;
    expect(update("name", "tags")).toBe("operator"); // the mask decides, not the value carried along
    expect(update("name", "visibility")).toBe("admin");
    expect(requirementOf(TaskService.typeName, "BatchSetTaskVisibility", {}).role).toBe("admin");
    // BatchUpdateTasks: any inner request decides.
    const batchUpdate = (...reqs: Array<{ force?: boolean; paths: string[] }>) =>
      requirementOf(TaskService.typeName, "BatchUpdateTasks", { requests: reqs.map((r) => ({ task: task(TaskVisibility.PUBLIC), force: r.force ?? false, updateMask: { paths: r.paths } })) });
    expect(batchUpdate({ paths: ["name"] }, { paths: ["tags"] }).role).toBe("operator");
    expect(batchUpdate({ paths: ["name"] }, { paths: ["visibility"] })).toEqual({ role: "admin", what: "taskyard.v1.TaskService/BatchUpdateTasks setting visibility" });
    expect(batchUpdate({ paths: ["name"] }, { paths: ["params"], force: true })).toEqual({ role: "admin", what: "taskyard.v1.TaskService/BatchUpdateTasks with force" });
  });

  it("fails closed: an unknown method needs admin", () => {
    expect(requirementOf(TaskService.typeName, "FutureMethod", {}).role).toBe("admin");
    expect(requirementOf("some.Other", "Thing", {}).role).toBe("admin");
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
});
