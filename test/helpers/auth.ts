/**
 * Credentials for authentication tests: an identity provider made of an in-test key pair and a
 * JWKS served from 127.0.0.1, plus helpers to mint good and deliberately bad tokens, and to
 * create API keys straight in the database (what `taskyard apikey create` does).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey, type JWK, type JWTPayload } from "jose";
import type { DataSource } from "typeorm";
import { ApiKeyRepository } from "../../src/auth/api-key-repository.js";
import { ApiKeyService } from "../../src/auth/api-key-service.js";
import type { Role } from "../../src/auth/roles.js";
import { ensureDemoTypes } from "./task-types.js";

export const ISSUER = "https://idp.test.example";
export const AUDIENCE = "taskyard-test";

export interface TokenOptions {
  tenant?: string;
  roles?: string[] | string;
  sub?: string;
  issuer?: string;
  audience?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  /** Leave out `exp`. */
  noExp?: boolean;
  extra?: JWTPayload;
}

export interface TestIdp {
  jwksUrl: string;
  /** Env for startTestApp: auth on, this JWKS, issuer and audience. */
  env: Record<string, string>;
  token(options?: TokenOptions): Promise<string>;
  /** Signed by a key the JWKS does not hold (same `kid`). */
  foreignToken(options?: TokenOptions): Promise<string>;
  /** `alg: none`, no signature. */
  unsignedToken(options?: TokenOptions): string;
  /** HS256 "signed" with the public key as the HMAC secret (the classic key-confusion attack). */
  hmacWithPublicKeyToken(options?: TokenOptions): Promise<string>;
  stop(): Promise<void>;
}

const KID = "test-key-1";

export async function startTestIdp(): Promise<TestIdp> {
  const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
  const other = await generateKeyPair("ES256");
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: KID, alg: "ES256", use: "sig" };
  const spki = await exportSPKI(publicKey);
  const server: Server = createServer((req, res) => {
    if (req.url === "/.well-known/jwks.json") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: [jwk] }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;

  const claims = (o: TokenOptions): JWTPayload => ({ tenant: o.tenant ?? "tenant-a", roles: o.roles ?? ["admin"], ...o.extra });
  const sign = async (o: TokenOptions, key: CryptoKey | Uint8Array, alg: string): Promise<string> => {
    await ensureDemoTypes(String(o.tenant ?? "tenant-a"));
    const jwt = new SignJWT(claims(o))
      .setProtectedHeader({ alg, kid: KID, typ: "JWT" })
      .setIssuer(o.issuer ?? ISSUER)
      .setAudience(o.audience ?? AUDIENCE)
      .setSubject(o.sub ?? "alice@example.com")
      .setIssuedAt();
    if (!o.noExp) jwt.setExpirationTime(Math.floor(Date.now() / 1000) + (o.expiresIn ?? 300));
    return jwt.sign(key);
  };

  return {
    jwksUrl,
    env: {
      TASKYARD_AUTH_MODE: "on",
      TASKYARD_AUTH_JWKS_URL: jwksUrl,
      TASKYARD_AUTH_JWT_ISSUERS: ISSUER,
      TASKYARD_AUTH_JWT_AUDIENCE: AUDIENCE,
    },
    token: (o = {}) => sign(o, privateKey, "ES256"),
    foreignToken: (o = {}) => sign(o, other.privateKey, "ES256"),
    unsignedToken: (o = {}) =>
      new UnsecuredJWT(claims(o))
        .setIssuer(o.issuer ?? ISSUER)
        .setAudience(o.audience ?? AUDIENCE)
        .setSubject(o.sub ?? "alice@example.com")
        .setExpirationTime("5m")
        .encode(),
    hmacWithPublicKeyToken: (o = {}) => sign(o, new TextEncoder().encode(spki), "HS256"),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Creates an API key in the database, as `taskyard apikey create` does; returns its token and id. */
export async function createApiKey(dataSource: DataSource, tenant: string, role: Role, options: { expireTime?: Date } = {}): Promise<{ id: string; token: string }> {
  await ensureDemoTypes(tenant, dataSource);
  const service = new ApiKeyService({ keys: new ApiKeyRepository(dataSource.manager) });
  const { key, token } = await service.create({ tenant, principal: "test-setup" }, { displayName: `${role} key for tests`, role, expireTime: options.expireTime ?? null });
  return { id: key.id, token };
}

/** Tenant names unique to one test run, so suites never see each other's rows. */
export function uniqueTenant(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}
