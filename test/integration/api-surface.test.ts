/**
 * One port, every protocol: gRPC (h2c), gRPC-Web, Connect binary and JSON over HTTP/1.1, plus
 * grpc.health.v1, server reflection, CORS for configured origins and Prometheus metrics.
 */
import { createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Health, HealthCheckResponse_ServingStatus } from "../../src/gen/grpc/health/v1/health_pb.js";
import { ServerReflection } from "../../src/gen/grpc/reflection/v1/reflection_pb.js";
import { TaskStatus } from "../../src/gen/taskyard/v1/task_pb.js";
import { TaskService } from "../../src/gen/taskyard/v1/task_service_pb.js";
import { startTestApp, uniqueLabel, type TestApp } from "../helpers/app.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ worker: false, env: { TASKYARD_CORS_ORIGINS: "https://ui.example" } });
});
afterAll(async () => {
  await app?.stop();
});

describe("one port", () => {
  it("serves the same task over gRPC, gRPC-Web, Connect binary and Connect JSON", async () => {
    const project = uniqueLabel();
    const created = await app.grpc.createTask({ task: { type: "demo.sleep", project }, start: false });
    const transports = {
      grpcWeb: createGrpcWebTransport({ baseUrl: app.baseUrl, httpVersion: "1.1" }),
      connectBinary: createConnectTransport({ baseUrl: app.baseUrl, httpVersion: "1.1", useBinaryFormat: true }),
      connectJsonHttp2: createConnectTransport({ baseUrl: app.baseUrl, httpVersion: "2" }),
    };
    for (const [name, transport] of Object.entries(transports)) {
      const task = await createClient(TaskService, transport).getTask({ id: created.id });
      expect(task.project, name).toBe(project);
      expect(task.status, name).toBe(TaskStatus.PENDING);
    }
  });
});

describe("grpc.health.v1", () => {
  it("reports the server and each service SERVING over gRPC", async () => {
    const health = createClient(Health, createGrpcTransport({ baseUrl: app.baseUrl }));
    expect((await health.check({})).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    expect((await health.check({ service: "taskyard.v1.TaskService" })).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
  });
});

describe("server reflection", () => {
  it("lists the services and describes TaskService without proto files", async () => {
    const reflection = createClient(ServerReflection, createGrpcTransport({ baseUrl: app.baseUrl }));
    async function* requests() {
      yield { messageRequest: { case: "listServices" as const, value: "" } };
      yield { messageRequest: { case: "fileContainingSymbol" as const, value: "taskyard.v1.TaskService" } };
    }
    const answers = [];
    for await (const res of reflection.serverReflectionInfo(requests())) answers.push(res);
    const list = answers[0]!.messageResponse;
    expect(list.case).toBe("listServicesResponse");
    const names = list.case === "listServicesResponse" ? list.value.service.map((s) => s.name) : [];
    expect(names).toEqual(expect.arrayContaining(["taskyard.v1.TaskService", "taskyard.v1.QueueService", "grpc.health.v1.Health"]));
    const files = answers[1]!.messageResponse;
    expect(files.case).toBe("fileDescriptorResponse");
    expect(files.case === "fileDescriptorResponse" && files.value.fileDescriptorProto.length).toBeGreaterThanOrEqual(2);
  });
});

describe("HTTP extras", () => {
  it("answers a CORS preflight for a configured origin, allowing Authorization", async () => {
    const res = await fetch(`${app.baseUrl}/taskyard.v1.TaskService/ListTasks`, {
      method: "OPTIONS",
      headers: { origin: "https://ui.example", "access-control-request-method": "POST", "access-control-request-headers": "content-type,authorization" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://ui.example");
    expect(res.headers.get("access-control-allow-headers")).toMatch(/Authorization/);
  });

  it("sends no CORS headers to other origins", async () => {
    const res = await fetch(`${app.baseUrl}/taskyard.v1.TaskService/ListTasks`, {
      method: "POST",
      headers: { origin: "https://evil.example", "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("exposes Prometheus metrics at GET /metrics", async () => {
    const res = await fetch(`${app.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/process_cpu_user_seconds_total/);
    expect(text).toMatch(/taskyard_rpc_duration_seconds_count\{procedure="taskyard.v1.TaskService\/GetTask",code="OK"\} \d+/);
  });
});
