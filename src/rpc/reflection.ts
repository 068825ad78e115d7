// gRPC server reflection (grpc.reflection.v1 and v1alpha), so grpcurl and
// `buf curl` can list and call the API without .proto files.
// Spec: https://github.com/grpc/grpc/blob/master/doc/server-reflection.md
import { createRegistry, toBinary } from "@bufbuild/protobuf";
import type { DescFile, DescMessage, DescService } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import type { ConnectRouter } from "@connectrpc/connect";
import { Health } from "../gen/grpc/health/v1/health_pb.js";
import * as v1 from "../gen/grpc/reflection/v1/reflection_pb.js";
import * as v1alpha from "../gen/grpc/reflection/v1alpha/reflection_pb.js";

/**
 * Serves grpc.reflection.v1 and v1alpha (older grpcurl asks for v1alpha first)
 * describing `services`, grpc.health.v1.Health and the reflection services
 * themselves. Health is always listed: register `createHealthService()` on the
 * same router. Descriptors come from the generated code, which drops proto
 * comments, so `grpcurl describe` shows no comments.
 */
export function registerReflection(router: ConnectRouter, services: readonly DescService[]): void {
  const reflector = createReflector([
    ...services,
    Health,
    v1.ServerReflection,
    v1alpha.ServerReflection,
  ]);
  router.service(v1.ServerReflection, {
    async *serverReflectionInfo(requests) {
      for await (const request of requests) {
        yield {
          validHost: request.host,
          originalRequest: request,
          messageResponse: reflector.answer(request.messageRequest),
        };
      }
    },
  });
  router.service(v1alpha.ServerReflection, {
    async *serverReflectionInfo(requests) {
      for await (const request of requests) {
        yield {
          validHost: request.host,
          originalRequest: request,
          messageResponse: reflector.answer(request.messageRequest),
        };
      }
    },
  });
}

// v1 and v1alpha messages differ only in their type names, so one answer fits both.
type ReflectionQuery = (v1.ServerReflectionRequest | v1alpha.ServerReflectionRequest)["messageRequest"];
type ReflectionAnswer =
  | { case: "fileDescriptorResponse"; value: { fileDescriptorProto: Uint8Array[] } }
  | { case: "allExtensionNumbersResponse"; value: { baseTypeName: string; extensionNumber: number[] } }
  | { case: "listServicesResponse"; value: { service: { name: string }[] } }
  | { case: "errorResponse"; value: { errorCode: number; errorMessage: string } };

interface Reflector {
  /** Never throws: failures become `errorResponse` so the stream stays open. */
  answer(query: ReflectionQuery): ReflectionAnswer;
}

function createReflector(services: readonly DescService[]): Reflector {
  const serviceNames = [...new Set(services.map((service) => service.typeName))];
  const files = collectFiles(services.map((service) => service.file));
  const registry = createRegistry(...files);
  const fileByName = new Map(files.map((file) => [file.proto.name, file]));
  const fileOfSymbol = indexSymbols(files);
  const serialized = new Map<DescFile, Uint8Array>();

  // The requested file first, then every file it imports transitively:
  // clients such as grpcurl need the whole closure to build descriptors.
  function filesFrom(file: DescFile): ReflectionAnswer {
    const closure = collectFiles([file]);
    const fileDescriptorProto = closure.map((f) => {
      let bytes = serialized.get(f);
      if (!bytes) serialized.set(f, (bytes = toBinary(FileDescriptorProtoSchema, f.proto)));
      return bytes;
    });
    return { case: "fileDescriptorResponse", value: { fileDescriptorProto } };
  }

  function extensionsOf(message: DescMessage): number[] {
    const numbers: number[] = [];
    for (const desc of registry) {
      if (desc.kind === "extension" && desc.extendee.typeName === message.typeName) {
        numbers.push(desc.number);
      }
    }
    return numbers.sort((a, b) => a - b);
  }

  return {
    answer(query) {
      switch (query.case) {
        case "listServices":
          return {
            case: "listServicesResponse",
            value: { service: serviceNames.map((name) => ({ name })) },
          };
        case "fileByFilename": {
          const file = fileByName.get(query.value);
          return file ? filesFrom(file) : notFound(`file "${query.value}"`);
        }
        case "fileContainingSymbol": {
          const file = fileOfSymbol.get(stripLeadingDot(query.value));
          return file ? filesFrom(file) : notFound(`symbol "${query.value}"`);
        }
        case "fileContainingExtension": {
          const { containingType, extensionNumber } = query.value;
          const message = registry.getMessage(stripLeadingDot(containingType));
          const extension = message && registry.getExtensionFor(message, extensionNumber);
          return extension
            ? filesFrom(extension.file)
            : notFound(`extension ${extensionNumber} of "${containingType}"`);
        }
        case "allExtensionNumbersOfType": {
          const message = registry.getMessage(stripLeadingDot(query.value));
          if (!message) return notFound(`type "${query.value}"`);
          return {
            case: "allExtensionNumbersResponse",
            value: { baseTypeName: message.typeName, extensionNumber: extensionsOf(message) },
          };
        }
        case undefined:
          return {
            case: "errorResponse",
            value: { errorCode: Code.InvalidArgument, errorMessage: "empty reflection request" },
          };
      }
    },
  };
}

function notFound(what: string): ReflectionAnswer {
  return { case: "errorResponse", value: { errorCode: Code.NotFound, errorMessage: `${what} not found` } };
}

function stripLeadingDot(name: string): string {
  return name.startsWith(".") ? name.slice(1) : name;
}

/** `roots` and their transitive imports, each once, in first-seen order. */
function collectFiles(roots: readonly DescFile[]): DescFile[] {
  const seen = new Set<DescFile>();
  const visit = (file: DescFile): void => {
    if (seen.has(file)) return;
    seen.add(file);
    file.dependencies.forEach(visit);
  };
  roots.forEach(visit);
  return [...seen];
}

/**
 * Maps every fully-qualified name a client may ask about to its file:
 * messages (nested too), fields, oneofs, enums, enum values (scoped like
 * protoc does, as siblings of their enum), services, methods and extensions.
 */
function indexSymbols(files: readonly DescFile[]): Map<string, DescFile> {
  const index = new Map<string, DescFile>();
  for (const file of files) {
    const add = (name: string): void => {
      index.set(name, file);
    };
    const scoped = (scope: string, name: string): string => (scope ? `${scope}.${name}` : name);
    const addEnum = (desc: { typeName: string; values: readonly { name: string }[] }, scope: string): void => {
      add(desc.typeName);
      for (const value of desc.values) add(scoped(scope, value.name));
    };
    const addMessage = (message: DescMessage): void => {
      add(message.typeName);
      for (const field of message.fields) add(`${message.typeName}.${field.name}`);
      for (const oneof of message.oneofs) add(`${message.typeName}.${oneof.name}`);
      for (const nested of message.nestedEnums) addEnum(nested, message.typeName);
      for (const nested of message.nestedExtensions) add(nested.typeName);
      message.nestedMessages.forEach(addMessage);
    };
    file.messages.forEach(addMessage);
    for (const desc of file.enums) addEnum(desc, file.proto.package);
    for (const extension of file.extensions) add(extension.typeName);
    for (const service of file.services) {
      add(service.typeName);
      for (const method of service.methods) add(`${service.typeName}.${method.name}`);
    }
  }
  return index;
}
