/**
 * JWT bearer tokens, verified with `jose` against the configured key sets: a JWKS URL (fetched
 * and cached by jose, refetched for an unknown `kid` at most every 30 s) and/or a static JWKS
 * file. A token is accepted only when its signature verifies with an asymmetric algorithm (so
 * `alg: none` and HMAC tokens forged with a public key fail), its `iss` is one of the configured
 * issuers, its `aud` contains a configured audience, it has not expired (`exp` is required; 30 s
 * clock tolerance) and it names a valid tenant and principal.
 */
import { readFileSync } from "node:fs";
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { ConfigError } from "../config.js";
import { UnavailableError } from "../domain/errors.js";
import { PRINCIPAL_MAX_LENGTH, TENANT_RE, type Identity } from "./identity.js";
import { isRole, type Role } from "./roles.js";

export const JWT_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"];
const CLOCK_TOLERANCE_S = 30;

export interface JwtOptions {
  jwksUrl?: string;
  jwksFile?: string;
  issuers: readonly string[];
  audiences: readonly string[];
  claims: { tenant: string; roles: string; principal: string };
}

export interface JwtVerifier {
  /** The identity in a valid token; throws InvalidTokenError, or UnavailableError when keys can't be fetched. */
  verify(token: string): Promise<Identity>;
}

/** A token that must be refused; `reason` is for the server log only, never for the client. */
export class InvalidTokenError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "InvalidTokenError";
  }
}

export function createJwtVerifier(options: JwtOptions): JwtVerifier {
  const getKey = keyResolver(options);
  return {
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, getKey, {
          issuer: [...options.issuers],
          audience: [...options.audiences],
          algorithms: JWT_ALGORITHMS,
          clockTolerance: CLOCK_TOLERANCE_S,
          requiredClaims: ["exp"],
        }));
      } catch (err) {
        if (err instanceof UnavailableError) throw err;
        throw new InvalidTokenError(err instanceof errors.JOSEError ? err.code : "malformed token");
      }
      return identityFrom(payload, options.claims);
    },
  };
}

/** Local keys first; the remote set for a `kid` the file doesn't have. */
function keyResolver(options: JwtOptions): JWTVerifyGetKey {
  const local = options.jwksFile ? createLocalJWKSet(readJwksFile(options.jwksFile)) : undefined;
  const remote = options.jwksUrl ? createRemoteJWKSet(new URL(options.jwksUrl), { timeoutDuration: 5_000 }) : undefined;
  if (!local && !remote) throw new ConfigError(["TASKYARD_AUTH_JWKS_URL or TASKYARD_AUTH_JWKS_FILE must be set to accept JWTs"]);
  return async (header, token) => {
    if (local) {
      try {
        return await local(header, token);
      } catch (err) {
        if (!remote || !(err instanceof errors.JWKSNoMatchingKey)) throw err;
      }
    }
    try {
      return await remote!(header, token);
    } catch (err) {
      if (isTokenProblem(err)) throw err;
      // The key source is down or broken: the caller may be fine, so this is retryable.
      throw new UnavailableError("authentication keys are unavailable; retry later", { cause: err });
    }
  };
}

function isTokenProblem(err: unknown): boolean {
  return (
    err instanceof errors.JWKSNoMatchingKey ||
    err instanceof errors.JWKSMultipleMatchingKeys ||
    err instanceof errors.JOSENotSupported ||
    err instanceof errors.JOSEAlgNotAllowed
  );
}

function readJwksFile(path: string): JSONWebKeySet {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new ConfigError([`TASKYARD_AUTH_JWKS_FILE: cannot read a JSON Web Key Set from ${path}: ${(err as Error).message}`]);
  }
  const keys = (parsed as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new ConfigError([`TASKYARD_AUTH_JWKS_FILE: ${path} must hold a JSON Web Key Set ({"keys": [...]}) with at least one key`]);
  }
  return parsed as JSONWebKeySet;
}

function identityFrom(payload: JWTPayload, claims: JwtOptions["claims"]): Identity {
  const tenant = claim(payload, claims.tenant);
  if (typeof tenant !== "string" || !TENANT_RE.test(tenant)) throw new InvalidTokenError(`claim ${claims.tenant} is missing or not a valid tenant id`);
  const principal = claim(payload, claims.principal);
  if (typeof principal !== "string" || principal.length === 0 || principal.length > PRINCIPAL_MAX_LENGTH) {
    throw new InvalidTokenError(`claim ${claims.principal} is missing or longer than ${PRINCIPAL_MAX_LENGTH} characters`);
  }
  return { tenant, principal, roles: rolesFrom(claim(payload, claims.roles)), method: "jwt" };
}

/** Roles as an array of names or one space- or comma-separated string; unknown names are ignored. */
function rolesFrom(value: unknown): Role[] {
  const names = Array.isArray(value) ? value : typeof value === "string" ? value.split(/[\s,]+/) : [];
  return [...new Set(names.filter(isRole))];
}

/**
 * A claim by exact name, else by dotted path (`realm_access.roles` in Keycloak tokens). Exact
 * names come first so URL-style claim names such as `https://example.com/tenant` work.
 */
function claim(payload: JWTPayload, name: string): unknown {
  if (name in payload) return payload[name];
  let value: unknown = payload;
  for (const part of name.split(".")) {
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
