import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";

describe("loadConfig: authentication and limits", () => {
  it("leaves the auth mode to the command and limits creation by default", () => {
    const c = loadConfig({});
    expect(c.auth).toMatchObject({ mode: undefined, jwksUrl: undefined, issuers: [], audiences: [], claims: { tenant: "tenant", roles: "roles", principal: "sub" } });
    expect(c.limits).toEqual({ createRatePerSecond: 100, createBurst: 1000, maxStreamsPerCaller: 16 });
  });

  it("parses a JWT setup", () => {
    const c = loadConfig({
      TASKYARD_AUTH_MODE: "on",
      TASKYARD_AUTH_JWKS_URL: "https://idp.example/.well-known/jwks.json",
      TASKYARD_AUTH_JWT_ISSUERS: "https://idp.example, https://other.example",
      TASKYARD_AUTH_JWT_AUDIENCE: "taskyard",
      TASKYARD_AUTH_ROLES_CLAIM: "realm_access.roles",
    });
    expect(c.auth).toMatchObject({ mode: "on", issuers: ["https://idp.example", "https://other.example"], audiences: ["taskyard"], claims: { roles: "realm_access.roles" } });
  });

  it.each([
    [{ TASKYARD_AUTH_MODE: "maybe" }, "TASKYARD_AUTH_MODE"],
    [{ TASKYARD_AUTH_JWKS_URL: "https://idp.example/jwks", TASKYARD_AUTH_JWT_AUDIENCE: "t" }, "TASKYARD_AUTH_JWT_ISSUERS"],
    [{ TASKYARD_AUTH_JWKS_FILE: "/keys.json", TASKYARD_AUTH_JWT_ISSUERS: "https://idp.example" }, "TASKYARD_AUTH_JWT_AUDIENCE"],
    [{ TASKYARD_AUTH_JWT_ISSUERS: "https://idp.example", TASKYARD_AUTH_JWT_AUDIENCE: "t" }, "TASKYARD_AUTH_JWKS_URL"],
    [{ TASKYARD_AUTH_JWKS_URL: "http://idp.example/jwks", TASKYARD_AUTH_JWT_ISSUERS: "i", TASKYARD_AUTH_JWT_AUDIENCE: "t" }, "must be an https:// URL"],
    [{ TASKYARD_AUTH_JWKS_URL: "ftp://idp.example/jwks" }, "TASKYARD_AUTH_JWKS_URL"],
    [{ TASKYARD_CREATE_RATE_PER_SECOND: "-1" }, "TASKYARD_CREATE_RATE_PER_SECOND"],
    [{ TASKYARD_CREATE_BURST: "0" }, "TASKYARD_CREATE_BURST"],
  ])("refuses %o, naming %s", (env, name) => {
    expect(() => loadConfig(env)).toThrow(name);
  });

  it("allows plain HTTP for a JWKS on loopback (a sidecar or a test)", () => {
    const c = loadConfig({ TASKYARD_AUTH_JWKS_URL: "http://127.0.0.1:9000/jwks", TASKYARD_AUTH_JWT_ISSUERS: "i", TASKYARD_AUTH_JWT_AUDIENCE: "t" });
    expect(c.auth.jwksUrl).toBe("http://127.0.0.1:9000/jwks");
  });
});
