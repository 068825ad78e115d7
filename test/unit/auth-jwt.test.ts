/** JWT verification against a static JWKS file and an (unreachable) JWKS URL; keys made in-test with jose. */
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config.js";
import { UnavailableError } from "../../src/domain/errors.js";
import { createJwtVerifier, InvalidTokenError, type JwtOptions } from "../../src/auth/jwt.js";

const ISS = "https://idp.example";
const AUD = "taskyard";
let privateKey: CryptoKey;
let jwksFile: string;
const claims = { tenant: "tenant", roles: "roles", principal: "sub" };

beforeAll(async () => {
  const pair = await generateKeyPair("ES256", { extractable: true });
  privateKey = pair.privateKey;
  const dir = await mkdtemp(path.join(os.tmpdir(), "taskyard-jwks-"));
  jwksFile = path.join(dir, "jwks.json");
  await writeFile(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "ES256" }] }));
});

const verifier = (o: Partial<JwtOptions> = {}) => createJwtVerifier({ jwksFile, issuers: [ISS], audiences: [AUD], claims, ...o });
const sign = (payload: JWTPayload, sub = "alice") =>
  new SignJWT(payload).setProtectedHeader({ alg: "ES256", kid: "k1" }).setIssuer(ISS).setAudience(AUD).setSubject(sub).setExpirationTime("5m").sign(privateKey);

describe("createJwtVerifier", () => {
  it("maps tenant, principal and roles from the configured claims", async () => {
    expect(await verifier().verify(await sign({ tenant: "acme", roles: ["viewer", "operator", "superuser"] }))).toEqual({
      tenant: "acme",
      principal: "alice",
      roles: ["viewer", "operator"],
      method: "jwt",
    });
  });

  it("reads URL-style claim names exactly and dotted names as paths (Keycloak)", async () => {
    const v = verifier({ claims: { tenant: "https://taskyard.dev/tenant", roles: "realm_access.roles", principal: "email" } });
    const token = await sign({ "https://taskyard.dev/tenant": "acme", realm_access: { roles: ["admin"] }, email: "a@acme.example" });
    expect(await v.verify(token)).toMatchObject({ tenant: "acme", principal: "a@acme.example", roles: ["admin"] });
  });

  it.each([
    ["no tenant", {}],
    ["a tenant with a space", { tenant: "a b" }],
    ["a tenant of 65 characters", { tenant: "a".repeat(65) }],
    ["a numeric tenant", { tenant: 42 }],
  ])("refuses a token with %s", async (_name, payload) => {
    await expect(verifier().verify(await sign(payload))).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it("refuses a token whose principal claim is missing", async () => {
    const v = verifier({ claims: { ...claims, principal: "email" } });
    await expect(v.verify(await sign({ tenant: "acme" }))).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it("keeps the reason for the log, not for the client", async () => {
    const expired = await new SignJWT({ tenant: "acme" })
      .setProtectedHeader({ alg: "ES256", kid: "k1" })
      .setIssuer(ISS)
      .setAudience(AUD)
      .setSubject("alice")
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(privateKey);
    await expect(verifier().verify(expired)).rejects.toMatchObject({ reason: "ERR_JWT_EXPIRED" });
  });

  it("answers UNAVAILABLE when the JWKS URL cannot be fetched (retryable, not the caller's fault)", async () => {
    const v = verifier({ jwksFile: undefined, jwksUrl: "http://127.0.0.1:1/jwks.json" });
    await expect(v.verify(await sign({ tenant: "acme" }))).rejects.toBeInstanceOf(UnavailableError);
  });

  it("refuses to start with an unreadable or empty key file", async () => {
    expect(() => verifier({ jwksFile: "/nonexistent/jwks.json" })).toThrow(ConfigError);
    const empty = path.join(path.dirname(jwksFile), "empty.json");
    await writeFile(empty, JSON.stringify({ keys: [] }));
    expect(() => verifier({ jwksFile: empty })).toThrow(/TASKYARD_AUTH_JWKS_FILE/);
  });
});
