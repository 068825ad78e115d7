/**
 * Turns an `Authorization` header into an Identity: `Bearer <token>` where the token is a
 * Taskyard API key (`tyk_…`) or a JWT. Every refusal is an UnauthenticatedError with one of two
 * fixed messages, so a client learns nothing about why a credential failed (unknown, revoked,
 * expired, bad signature, wrong issuer …); the reason goes to the server log via `onRejected`.
 */
import { UnauthenticatedError } from "../domain/errors.js";
import type { ApiKeyService } from "./api-key-service.js";
import { looksLikeApiKey } from "./api-key-secret.js";
import type { Identity } from "./identity.js";
import { InvalidTokenError, type JwtVerifier } from "./jwt.js";

export const MISSING_CREDENTIALS = "authentication required: send Authorization: Bearer <JWT or Taskyard API key>";
export const INVALID_CREDENTIALS = "invalid credentials";
/** Longer headers are refused before any parsing or crypto. */
const MAX_TOKEN_LENGTH = 8 * 1024;

export interface Authenticator {
  authenticate(authorization: string | null): Promise<Identity>;
}

export interface AuthenticatorDeps {
  apiKeys: ApiKeyService;
  /** Absent when no JWT issuer is configured: only API keys are accepted. */
  jwt?: JwtVerifier;
  onRejected?: (reason: string) => void;
}

export function createAuthenticator({ apiKeys, jwt, onRejected }: AuthenticatorDeps): Authenticator {
  const reject = (reason: string): never => {
    onRejected?.(reason);
    throw new UnauthenticatedError(INVALID_CREDENTIALS);
  };
  return {
    async authenticate(authorization) {
      if (authorization === null || authorization.trim() === "") {
        onRejected?.("no Authorization header");
        throw new UnauthenticatedError(MISSING_CREDENTIALS);
      }
      if (authorization.length > MAX_TOKEN_LENGTH) return reject("Authorization header too long");
      const m = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(authorization);
      if (!m) return reject("Authorization is not a Bearer token");
      const token = m[1]!;
      if (looksLikeApiKey(token)) {
        return (await apiKeys.authenticate(token)) ?? reject("unknown, wrong, expired or revoked API key");
      }
      if (!jwt) return reject("JWT presented but no JWT issuer is configured");
      try {
        return await jwt.verify(token);
      } catch (err) {
        if (err instanceof InvalidTokenError) return reject(`JWT refused: ${err.reason}`);
        throw err;
      }
    },
  };
}
