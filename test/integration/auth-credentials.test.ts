/**
 * Authentication end to end: JWTs verified against a JWKS served from 127.0.0.1 and Taskyard API
 * keys (bootstrapped with the CLI, managed over the API), on a real server with auth on.
 * Every refused credential answers UNAUTHENTICATED (HTTP 401) with the same message.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { toJsonString } from "@bufbuild/protobuf";
import { ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { INVALID_CREDENTIALS, MISSING_CREDENTIALS } from "../../src/auth/authenticator.js";
import { runApiKey, type ApiKeyArgs } from "../../src/commands/apikey.js";
import { createLogger } from "../../src/infra/logger.js";
import { ApiKeyService, ListApiKeysResponseSchema, Role } from "../../src/gen/taskyard/v1/api_key_service_pb.js";
import { TaskService } from "../../src/gen/taskyard/v1/task_service_pb.js";
import { startTestApp, testEnv, waitFor, type TestApp } from "../helpers/app.js";
import { createApiKey, startTestIdp, uniqueTenant, type TestIdp } from "../helpers/auth.js";
import { codeOf } from "../helpers/rpc.js";

let idp: TestIdp;
let app: TestApp;
beforeAll(async () => {
  idp = await startTestIdp();
  app = await startTestApp({ worker: false, env: idp.env });
});
afterAll(async () => {
  await app?.stop();
  await idp?.stop();
});

const tasks = (token?: string) => app.client(TaskService, { token });
const keys = (token?: string) => app.client(ApiKeyService, { token });
const UNKNOWN_ID = "01900000-0000-7000-8000-000000000000";

async function rawMessageOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    return ConnectError.from(err).rawMessage;
  }
  throw new Error("expected the call to fail");
}

describe("JWT bearer tokens", () => {
  it("accepts a valid token over gRPC and Connect JSON, and records its subject as created_by and event actor", async () => {
    const tenant = uniqueTenant("jwt");
    const token = await idp.token({ tenant, roles: ["operator"], sub: "svc-video@example.com" });
    // created_by in the request is output only: the principal wins.
    const created = await tasks(token).createTask({ task: { type: "demo.sleep", createdBy: "mallory" }, start: false });
    expect(created.createdBy).toBe("svc-video@example.com");
    const events = await tasks(token).listTaskEvents({ id: created.id });
    expect(events.events.map((e) => e.actor)).toEqual(["svc-video@example.com"]);

    const res = await app.json("GetTask", { id: created.id }, { token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: created.id, createdBy: "svc-video@example.com" });
  });

  it("accepts roles as a space-separated string claim", async () => {
    const token = await idp.token({ tenant: uniqueTenant("jwt"), roles: "viewer operator" });
    expect(await codeOf(tasks(token).createTask({ task: { type: "demo.sleep" }, start: false }))).toBe("OK");
  });

  it("refuses a call without credentials: UNAUTHENTICATED over gRPC, 401 with WWW-Authenticate over Connect JSON", async () => {
    expect(await rawMessageOf(tasks().getTask({ id: UNKNOWN_ID }))).toBe(MISSING_CREDENTIALS);
    expect(await codeOf(tasks().getTask({ id: UNKNOWN_ID }))).toBe("Unauthenticated");
    const res = await app.json("GetTask", { id: UNKNOWN_ID });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ code: "unauthenticated", message: MISSING_CREDENTIALS });
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  const bad: Array<[string, () => Promise<string>]> = [
    ["an expired token", () => idp.token({ expiresIn: -120 })],
    ["a token without exp", () => idp.token({ noExp: true })],
    ["a token from another issuer", () => idp.token({ issuer: "https://evil.example" })],
    ["a token for another audience", () => idp.token({ audience: "some-other-app" })],
    ["an alg:none token", async () => idp.unsignedToken()],
    ["an HS256 token keyed with the public key", () => idp.hmacWithPublicKeyToken()],
    ["a token signed by an unknown key", () => idp.foreignToken()],
    ["a token without a tenant claim", () => idp.token({ tenant: "" })],
    [
      "a tampered token (tenant changed after signing)",
      async () => {
        const [h, p, s] = (await idp.token({ tenant: "tenant-a" })).split(".");
        const payload = JSON.parse(Buffer.from(p!, "base64url").toString());
        return [h, Buffer.from(JSON.stringify({ ...payload, tenant: "tenant-b" })).toString("base64url"), s].join(".");
      },
    ],
    ["garbage", async () => "not-a-token"],
  ];

  it.each(bad)("refuses %s with UNAUTHENTICATED and no detail, over gRPC and Connect JSON", async (_name, mint) => {
    const token = await mint();
    const call = tasks(token).getTask({ id: UNKNOWN_ID });
    expect(await codeOf(call)).toBe("Unauthenticated");
    expect(await rawMessageOf(tasks(token).getTask({ id: UNKNOWN_ID }))).toBe(INVALID_CREDENTIALS);
    const res = await app.json("GetTask", { id: UNKNOWN_ID }, { token });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ code: "unauthenticated", message: INVALID_CREDENTIALS });
  });

  it("refuses other Authorization schemes", async () => {
    const res = await fetch(`${app.baseUrl}/taskyard.v1.TaskService/GetTask`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Basic ${Buffer.from("admin:admin").toString("base64")}` },
      body: JSON.stringify({ id: UNKNOWN_ID }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: "unauthenticated", message: INVALID_CREDENTIALS });
  });
});

describe("API keys", () => {
  /** The real `taskyard apikey` binary entry, as an operator runs it. */
  const cli = (args: string[]) =>
    promisify(execFile)(process.execPath, ["--import", "tsx", "src/cli.ts", "apikey", ...args], {
      env: { ...process.env, ...testEnv(), LOG_LEVEL: "error" },
    });
  /** The same command in-process (no second Node start-up): answers its stdout. */
  const cliInProcess = async (args: ApiKeyArgs): Promise<string> => {
    let out = "";
    const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((out += String(chunk)), true));
    const quiet = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      expect(await runApiKey(app.config, createLogger("silent"), args)).toBe(0);
    } finally {
      write.mockRestore();
      quiet.mockRestore();
    }
    return out;
  };

  it("bootstraps an admin key with the CLI, manages keys over the API, and revokes them", async () => {
    const tenant = uniqueTenant("keys");
    const created = await cli(["create", "--tenant", tenant, "--role", "admin", "--name", "bootstrap"]);
    const admin = created.stdout.trim();
    expect(admin).toMatch(/^tyk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toContain("shown only now");
    const adminId = admin.slice(4, 20);

    const made = await keys(admin).createApiKey({ apiKey: { displayName: "video backend", role: Role.VIEWER } });
    expect(made.secret).toMatch(/^tyk_/);
    expect(made.apiKey).toMatchObject({ displayName: "video backend", role: Role.VIEWER, tenant, createdBy: `apikey:${adminId}` });
    const viewer = made.secret;

    const listed = await keys(admin).listApiKeys({});
    expect(listed.apiKeys.map((k) => k.id).sort()).toEqual([adminId, made.apiKey!.id].sort());
    expect(toJsonString(ListApiKeysResponseSchema, listed)).not.toContain(viewer.slice(21));

    // The viewer key reads (NOT_FOUND = authenticated and allowed) but may not create.
    expect(await codeOf(tasks(viewer).getTask({ id: UNKNOWN_ID }))).toBe("NotFound");
    expect(await codeOf(tasks(viewer).createTask({ task: { type: "demo.sleep" } }))).toBe("PermissionDenied");

    // Revoked over the API: refused at once on this replica.
    const revoked = await keys(admin).revokeApiKey({ id: made.apiKey!.id });
    expect(revoked.revokeTime).toBeDefined();
    expect(await rawMessageOf(tasks(viewer).getTask({ id: UNKNOWN_ID }))).toBe(INVALID_CREDENTIALS);
    expect((await keys(admin).listApiKeys({})).apiKeys.map((k) => k.id)).toEqual([adminId]);
    expect((await keys(admin).listApiKeys({ showRevoked: true })).apiKeys).toHaveLength(2);

    const listedByCli = await cliInProcess({ positionals: ["list"], tenant, all: true });
    expect(listedByCli).toContain(adminId);
    expect(listedByCli).toContain("REVOKED");

    // Revoked by the CLI (its own database connection, as from another process): refused once
    // this replica's cache entry expires.
    await cliInProcess({ positionals: ["revoke", adminId], tenant });
    await waitFor(() => codeOf(keys(admin).listApiKeys({})), (code) => code === "Unauthenticated", 10_000, 250);
  });

  it("stores only a SHA-256 hash of the secret", async () => {
    const { id, token } = await createApiKey(app.dataSource, uniqueTenant("keys"), "viewer");
    const secret = token.slice(21);
    const [row] = await app.dataSource.query("SELECT * FROM api_keys WHERE id = ?", [id]);
    expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(secret);
  });

  it("refuses unknown, wrong-secret, malformed and expired keys alike", async () => {
    const { token } = await createApiKey(app.dataSource, uniqueTenant("keys"), "viewer", { expireTime: new Date(Date.now() + 1500) });
    expect(await codeOf(tasks(token).getTask({ id: UNKNOWN_ID }))).toBe("NotFound");

    const wrongSecret = token.slice(0, 21) + (token[21] === "A" ? "B" : "A") + token.slice(22);
    const unknown = `tyk_0123456789abcdef_${"x".repeat(43)}`;
    for (const bad of [wrongSecret, unknown, "tyk_short", `${token}x`]) {
      expect(await rawMessageOf(tasks(bad).getTask({ id: UNKNOWN_ID }))).toBe(INVALID_CREDENTIALS);
    }
    await waitFor(() => codeOf(tasks(token).getTask({ id: UNKNOWN_ID })), (code) => code === "Unauthenticated", 5_000, 200);
  });

  it("keeps key management inside the caller's tenant and needs admin", async () => {
    const mine = await createApiKey(app.dataSource, uniqueTenant("keys"), "admin");
    const theirs = await createApiKey(app.dataSource, uniqueTenant("keys"), "viewer");
    expect((await keys(mine.token).listApiKeys({})).apiKeys.map((k) => k.id)).toEqual([mine.id]);
    expect(await codeOf(keys(mine.token).revokeApiKey({ id: theirs.id }))).toBe("NotFound");
    expect(await codeOf(tasks(theirs.token).getTask({ id: UNKNOWN_ID }))).toBe("NotFound"); // still works

    const operator = await createApiKey(app.dataSource, uniqueTenant("keys"), "operator");
    expect(await rawMessageOf(keys(operator.token).createApiKey({ apiKey: { displayName: "x", role: Role.ADMIN } }))).toMatch(
      /requires role "admin"/,
    );
    const res = await app.json("ListApiKeys", {}, { token: operator.token, service: ApiKeyService.typeName });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("permission_denied");
  });

  it("validates CreateApiKey", async () => {
    const admin = await createApiKey(app.dataSource, uniqueTenant("keys"), "admin");
    const create = (apiKey: object) => codeOf(keys(admin.token).createApiKey({ apiKey }));
    expect(await create({ displayName: "", role: Role.VIEWER })).toBe("InvalidArgument");
    expect(await create({ displayName: "x", role: Role.UNSPECIFIED })).toBe("InvalidArgument");
    expect(await create({ displayName: "x", role: Role.VIEWER, expireTime: { seconds: 1n, nanos: 0 } })).toBe("InvalidArgument");
  });
});
