/**
 * Role checks on every RPC of every served service, from the table in src/rpc/authz.ts, on a
 * real server with authentication on: every credential whose roles do not grant it (one role
 * short, no role, or the worker role outside WorkerService) gets PERMISSION_DENIED naming the
 * roles needed; a credential with exactly the role gets past the check (whatever the handler
 * then answers). Health needs no credential; reflection needs one.
 */
import { create, type DescMethod, type DescService } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grants, ROLES, type Role } from "../../src/auth/roles.js";
import { Health, HealthCheckResponse_ServingStatus } from "../../src/gen/grpc/health/v1/health_pb.js";
import { ServerReflection } from "../../src/gen/grpc/reflection/v1/reflection_pb.js";
import { ApiKeyService } from "../../src/gen/taskyard/v1/api_key_service_pb.js";
import { QueueService } from "../../src/gen/taskyard/v1/queue_service_pb.js";
import { SavedViewService } from "../../src/gen/taskyard/v1/saved_view_service_pb.js";
import { TaskService } from "../../src/gen/taskyard/v1/task_service_pb.js";
import { WorkerService } from "../../src/gen/taskyard/v1/worker_service_pb.js";
import { requirementOf } from "../../src/rpc/authz.js";
import { startTestApp, type TestApp } from "../helpers/app.js";
import { startTestIdp, uniqueTenant, type TestIdp } from "../helpers/auth.js";

let idp: TestIdp;
let app: TestApp;
// A tenant of its own: empty requests that reach a handler find nothing to change.
const tenant = uniqueTenant("roles");
const tokens = {} as Record<Role | "none", string>;

beforeAll(async () => {
  idp = await startTestIdp();
  app = await startTestApp({ worker: false, env: idp.env });
  tokens.none = await idp.token({ tenant, roles: [] });
  for (const role of ROLES) tokens[role] = await idp.token({ tenant, roles: [role] });
});
afterAll(async () => {
  await app?.stop();
  await idp?.stop();
});

/** Calls `method` with an empty request (plus `extra`) and answers the outcome. */
async function call(service: DescService, method: DescMethod, token: string, extra: object = {}): Promise<{ code: string; message: string }> {
  const client = app.client(service, { token }) as unknown as Record<string, (req: unknown, opts?: unknown) => unknown>;
  const request = { ...create(method.input), ...extra };
  const signal = AbortSignal.timeout(5_000);
  try {
    if (method.methodKind === "unary") {
      await client[method.localName]!(request, { signal });
    } else if (method.methodKind === "server_streaming") {
      for await (const _ of client[method.localName]!(request, { signal }) as AsyncIterable<unknown>) break;
    } else {
      const requests = (async function* () {
        yield create(method.input, { messageRequest: { case: "listServices", value: "" } } as never);
      })();
      for await (const _ of client[method.localName]!(requests, { signal }) as AsyncIterable<unknown>) break;
    }
    return { code: "OK", message: "" };
  } catch (err) {
    const e = ConnectError.from(err);
    return { code: Code[e.code], message: e.rawMessage };
  }
}

const SERVICES: DescService[] = [TaskService, QueueService, ApiKeyService, WorkerService, SavedViewService, ServerReflection];
const byName = new Map(SERVICES.map((s) => [s.typeName, s]));
// Plain strings only: test titles format their arguments, and descriptors are huge cyclic graphs.
const cases = SERVICES.flatMap((service) =>
  service.methods.map((method) => {
    const needs = requirementOf(service.typeName, method.name, {}).roles;
    const denied = (["none", ...ROLES] as const).filter((held) => !needs.some((need) => held !== "none" && grants([held], need)));
    return { service: service.typeName, method: method.name, role: needs.map((r) => `"${r}"`).join(" or "), allowed: needs[0]!, denied };
  }),
);
const lookup = (service: string, method: string) => {
  const desc = byName.get(service)!;
  return [desc, desc.methods.find((m) => m.name === method)!] as const;
};

describe("every RPC", () => {
  it.each(cases)("$service/$method needs $role", async ({ service, method, role, allowed, denied }) => {
    const [desc, m] = lookup(service, method);
    expect(denied.length).toBeGreaterThan(0);
    for (const held of denied) {
      const refused = await call(desc, m, tokens[held]);
      expect(refused.code, `with ${held}`).toBe("PermissionDenied");
      expect(refused.message).toContain(`${service}/${method} requires role ${role}`);
    }
    const ok = await call(desc, m, tokens[allowed]);
    expect(["PermissionDenied", "Unauthenticated"]).not.toContain(ok.code);
  });
});

describe("force flags", () => {
  it.each(["RetryTask", "ResetTask", "UpdateTask", "CancelTask"])("TaskService/%s with force needs admin", async (name) => {
    const [desc, method] = lookup(TaskService.typeName, name);
    const denied = await call(desc, method, tokens.operator, { force: true });
    expect(denied.code).toBe("PermissionDenied");
    expect(denied.message).toContain(`${name} with force requires role "admin"; the credential grants "operator"`);
    expect((await call(desc, method, tokens.operator)).code).not.toBe("PermissionDenied");
    expect((await call(desc, method, tokens.admin, { force: true })).code).not.toBe("PermissionDenied");
  });
});

describe("over Connect JSON", () => {
  it("answers 403 permission_denied naming the role to a viewer that creates a task", async () => {
    const res = await app.json("CreateTask", { task: { type: "demo.sleep" } }, { token: tokens.viewer });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("permission_denied");
    expect(res.body.message).toContain('requires role "operator"; the credential grants "viewer"');
  });
});

describe("exempt and protected infrastructure services", () => {
  it("serves health without credentials", async () => {
    const health = app.client(Health);
    expect((await health.check({ service: "" })).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
  });

  it("refuses reflection without credentials", async () => {
    const method = ServerReflection.methods[0]!;
    expect((await call(ServerReflection, method, "")).code).toBe("Unauthenticated");
  });
});
