import { existsSync } from "node:fs";
import { create, createFileRegistry, fromBinary } from "@bufbuild/protobuf";
import type { DescService, MessageInitShape } from "@bufbuild/protobuf";
import {
  FileDescriptorProtoSchema,
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  file_google_protobuf_struct,
  file_google_protobuf_timestamp,
} from "@bufbuild/protobuf/wkt";
import type { FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { Health, HealthCheckResponse_ServingStatus as Status } from "../../src/gen/grpc/health/v1/health_pb.js";
import { ServerReflection } from "../../src/gen/grpc/reflection/v1/reflection_pb.js";
import type {
  ServerReflectionRequestSchema,
  ServerReflectionResponse,
} from "../../src/gen/grpc/reflection/v1/reflection_pb.js";
import { ServerReflection as ServerReflectionAlpha } from "../../src/gen/grpc/reflection/v1alpha/reflection_pb.js";
import { createHealthService } from "../../src/rpc/health.js";
import { registerReflection } from "../../src/rpc/reflection.js";

// A service whose file imports well-known types, built in memory so the
// dependency tests don't rely on the Taskyard protos being generated yet.
function field(name: string, number: number, typeName?: string) {
  return {
    name,
    number,
    jsonName: name,
    label: FieldDescriptorProto_Label.OPTIONAL,
    type: typeName ? FieldDescriptorProto_Type.MESSAGE : FieldDescriptorProto_Type.STRING,
    typeName,
  };
}
const fixtureFile = createFileRegistry(
  create(FileDescriptorProtoSchema, {
    name: "fixture/v1/echo.proto",
    package: "fixture.v1",
    syntax: "proto3",
    dependency: ["google/protobuf/timestamp.proto", "google/protobuf/struct.proto"],
    messageType: [
      {
        name: "EchoRequest",
        field: [field("at", 1, ".google.protobuf.Timestamp"), field("payload", 2, ".google.protobuf.Struct")],
        nestedType: [{ name: "Inner", field: [field("note", 1)] }],
      },
    ],
    service: [
      {
        name: "EchoService",
        method: [{ name: "Echo", inputType: ".fixture.v1.EchoRequest", outputType: ".fixture.v1.EchoRequest" }],
      },
    ],
  }),
  (name) => [file_google_protobuf_timestamp, file_google_protobuf_struct].find((f) => f.proto.name === name),
);
const EchoService = fixtureFile.getService("fixture.v1.EchoService")!;

function setup(services: readonly DescService[] = [EchoService]) {
  const health = createHealthService();
  const transport = createRouterTransport((router) => {
    health.register(router);
    registerReflection(router, services);
  });
  return {
    health,
    healthClient: createClient(Health, transport),
    reflectionClient: createClient(ServerReflection, transport),
    reflectionAlphaClient: createClient(ServerReflectionAlpha, transport),
  };
}

type ReflectionRequest = MessageInitShape<typeof ServerReflectionRequestSchema>;

/** Sends all requests on one stream, as grpcurl does, and collects the answers. */
async function reflect(
  client: ReturnType<typeof setup>["reflectionClient"],
  ...requests: ReflectionRequest[]
): Promise<ServerReflectionResponse[]> {
  async function* send() {
    yield* requests;
  }
  const responses: ServerReflectionResponse[] = [];
  for await (const response of client.serverReflectionInfo(send())) responses.push(response);
  return responses;
}

function parsedFiles(response: ServerReflectionResponse): FileDescriptorProto[] {
  if (response.messageResponse.case !== "fileDescriptorResponse") {
    throw new Error(`expected files, got ${JSON.stringify(response.messageResponse)}`);
  }
  return response.messageResponse.value.fileDescriptorProto.map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes));
}

async function nextStatus(stream: AsyncIterator<{ status: Status }>): Promise<Status | "ended"> {
  const result = await stream.next();
  return result.done ? "ended" : result.value.status;
}

describe("health", () => {
  it("reports the server overall as SERVING", async () => {
    const { healthClient } = setup();
    expect((await healthClient.check({ service: "" })).status).toBe(Status.SERVING);
  });

  it("reports the status set for a service", async () => {
    const { health, healthClient } = setup();
    health.setStatus("taskyard.v1.TaskService", "NOT_SERVING");
    expect((await healthClient.check({ service: "taskyard.v1.TaskService" })).status).toBe(Status.NOT_SERVING);
    health.setStatus("taskyard.v1.TaskService", "SERVING");
    expect((await healthClient.check({ service: "taskyard.v1.TaskService" })).status).toBe(Status.SERVING);
  });

  it("returns NOT_FOUND for an unknown service", async () => {
    const { healthClient } = setup();
    const error = await healthClient.check({ service: "nope.Service" }).catch((e: unknown) => e);
    expect(ConnectError.from(error).code).toBe(Code.NotFound);
  });

  it("Watch sends SERVICE_UNKNOWN for an unknown service, then the status once it is set", async () => {
    const { health, healthClient } = setup();
    const abort = new AbortController();
    const stream = healthClient.watch({ service: "late.Service" }, { signal: abort.signal })[Symbol.asyncIterator]();
    expect(await nextStatus(stream)).toBe(Status.SERVICE_UNKNOWN);
    health.setStatus("late.Service", "SERVING");
    expect(await nextStatus(stream)).toBe(Status.SERVING);
    health.setStatus("late.Service", "SERVING"); // unchanged: no message
    health.setStatus("late.Service", "NOT_SERVING");
    expect(await nextStatus(stream)).toBe(Status.NOT_SERVING);
    abort.abort();
    await expect(stream.next()).rejects.toThrow(/cancel|abort/i);
  });

  it("shutdown marks everything NOT_SERVING, ends Watch streams and ignores later updates", async () => {
    const { health, healthClient } = setup();
    health.setStatus("a.Service", "SERVING");
    const stream = healthClient.watch({ service: "" })[Symbol.asyncIterator]();
    expect(await nextStatus(stream)).toBe(Status.SERVING);
    health.shutdown();
    expect(await nextStatus(stream)).toBe(Status.NOT_SERVING);
    expect(await nextStatus(stream)).toBe("ended");
    health.setStatus("a.Service", "SERVING");
    expect((await healthClient.check({ service: "a.Service" })).status).toBe(Status.NOT_SERVING);
  });
});

describe("reflection", () => {
  it("lists the given services, health and both reflection versions", async () => {
    const { reflectionClient } = setup();
    const [response] = await reflect(reflectionClient, { host: "localhost", messageRequest: { case: "listServices", value: "*" } });
    expect(response?.validHost).toBe("localhost");
    expect(response?.originalRequest?.messageRequest.case).toBe("listServices");
    expect(response?.messageResponse.case).toBe("listServicesResponse");
    const names = response?.messageResponse.case === "listServicesResponse" ? response.messageResponse.value.service.map((s) => s.name) : [];
    expect(names.sort()).toEqual(
      ["fixture.v1.EchoService", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"].sort(),
    );
  });

  it("answers file_containing_symbol for a service with its file first, then its imports", async () => {
    const { reflectionClient } = setup();
    const [response] = await reflect(reflectionClient, { messageRequest: { case: "fileContainingSymbol", value: "fixture.v1.EchoService" } });
    const files = parsedFiles(response!);
    expect(files[0]?.name).toBe("fixture/v1/echo.proto");
    expect(files[0]?.service.map((s) => s.name)).toEqual(["EchoService"]);
    expect(files.map((f) => f.name).sort()).toEqual(
      ["fixture/v1/echo.proto", "google/protobuf/struct.proto", "google/protobuf/timestamp.proto"].sort(),
    );
    expect(files.find((f) => f.name === "google/protobuf/struct.proto")?.messageType.map((m) => m.name)).toContain("Struct");
  });

  it("resolves messages, nested messages, methods, fields and enum values to their file", async () => {
    const { reflectionClient } = setup();
    const symbols = [
      "fixture.v1.EchoRequest",
      ".fixture.v1.EchoRequest.Inner",
      "fixture.v1.EchoService.Echo",
      "fixture.v1.EchoRequest.payload",
      "grpc.health.v1.HealthCheckResponse.SERVING",
      "google.protobuf.NullValue",
    ];
    const responses = await reflect(
      reflectionClient,
      ...symbols.map((value): ReflectionRequest => ({ messageRequest: { case: "fileContainingSymbol", value } })),
    );
    expect(responses.map((r) => parsedFiles(r)[0]?.name)).toEqual([
      "fixture/v1/echo.proto",
      "fixture/v1/echo.proto",
      "fixture/v1/echo.proto",
      "fixture/v1/echo.proto",
      "grpc/health/v1/health.proto",
      "google/protobuf/struct.proto",
    ]);
    expect(parsedFiles(responses[1]!)[0]?.messageType[0]?.nestedType.map((m) => m.name)).toEqual(["Inner"]);
  });

  it("answers unknown symbols, files and extensions with NOT_FOUND and keeps the stream open", async () => {
    const { reflectionClient } = setup();
    const responses = await reflect(
      reflectionClient,
      { messageRequest: { case: "fileContainingSymbol", value: "no.such.Symbol" } },
      { messageRequest: { case: "fileByFilename", value: "no/such.proto" } },
      { messageRequest: { case: "fileContainingExtension", value: { containingType: "fixture.v1.EchoRequest", extensionNumber: 100 } } },
      { messageRequest: { case: "allExtensionNumbersOfType", value: "no.such.Type" } },
      { messageRequest: { case: "fileByFilename", value: "grpc/health/v1/health.proto" } },
    );
    expect(responses.slice(0, 4).map((r) => r.messageResponse.case === "errorResponse" && r.messageResponse.value.errorCode)).toEqual([
      Code.NotFound,
      Code.NotFound,
      Code.NotFound,
      Code.NotFound,
    ]);
    expect(Code.NotFound).toBe(5);
    expect(parsedFiles(responses[4]!)[0]?.name).toBe("grpc/health/v1/health.proto");
  });

  it("answers all_extension_numbers_of_type for a known message with an empty list", async () => {
    const { reflectionClient } = setup();
    const [response] = await reflect(reflectionClient, { messageRequest: { case: "allExtensionNumbersOfType", value: "fixture.v1.EchoRequest" } });
    expect(response?.messageResponse).toEqual({
      case: "allExtensionNumbersResponse",
      value: expect.objectContaining({ baseTypeName: "fixture.v1.EchoRequest", extensionNumber: [] }),
    });
  });

  it("serves v1alpha for older clients", async () => {
    const { reflectionAlphaClient } = setup();
    const responses = [];
    async function* send() {
      yield { messageRequest: { case: "fileContainingSymbol" as const, value: "grpc.reflection.v1alpha.ServerReflection" } };
    }
    for await (const response of reflectionAlphaClient.serverReflectionInfo(send())) responses.push(response);
    expect(responses[0]?.messageResponse.case).toBe("fileDescriptorResponse");
    const bytes = responses[0]?.messageResponse.case === "fileDescriptorResponse" ? responses[0].messageResponse.value.fileDescriptorProto[0] : undefined;
    expect(fromBinary(FileDescriptorProtoSchema, bytes!).name).toBe("grpc/reflection/v1alpha/reflection.proto");
  });

  // The Taskyard API is generated by another work stream; test it once it exists.
  const taskServiceModule = new URL("../../src/gen/taskyard/v1/task_service_pb.ts", import.meta.url);
  it.runIf(existsSync(taskServiceModule))("describes taskyard.v1.TaskService and taskyard.v1.Task with their imports", async () => {
    const modulePath: string = "../../src/gen/taskyard/v1/task_service_pb.js";
    const { TaskService } = (await import(modulePath)) as { TaskService: DescService };
    const { reflectionClient } = setup([TaskService]);
    const [serviceFiles, taskFiles] = (
      await reflect(
        reflectionClient,
        { messageRequest: { case: "fileContainingSymbol", value: "taskyard.v1.TaskService" } },
        { messageRequest: { case: "fileContainingSymbol", value: "taskyard.v1.Task" } },
      )
    ).map(parsedFiles);
    expect(serviceFiles?.[0]?.service.map((s) => s.name)).toContain("TaskService");
    expect(taskFiles?.[0]?.messageType.map((m) => m.name)).toContain("Task");
    const names = new Set(serviceFiles?.map((f) => f.name));
    for (const file of serviceFiles ?? []) {
      for (const dependency of file.dependency) expect(names).toContain(dependency);
    }
    expect(names).toContain("google/protobuf/timestamp.proto");
  });
});
