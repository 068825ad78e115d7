/**
 * The API key bearer token: `tyk_<id>_<secret>`, where `id` is 16 random hex digits (the public
 * lookup key, also shown by ListApiKeys) and `secret` is 32 random bytes in base64url. Only the
 * SHA-256 of the secret is stored; a 256-bit random secret needs no slow hash. Presented secrets
 * are compared against the stored hash in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

const TOKEN_RE = /^tyk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKeySecret {
  id: string;
  /** What the client sends as `Authorization: Bearer <token>`; never stored. */
  token: string;
  /** SHA-256 of the secret part, hex. */
  secretHash: string;
}

export function generateApiKeySecret(): NewApiKeySecret {
  const id = randomBytes(8).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  return { id, token: `tyk_${id}_${secret}`, secretHash: hashSecret(secret) };
}

/** True for anything shaped like a Taskyard API key (as opposed to a JWT). */
export function looksLikeApiKey(token: string): boolean {
  return token.startsWith("tyk_");
}

/** The id and secret of a well-formed token, or undefined. */
export function parseApiKeyToken(token: string): { id: string; secret: string } | undefined {
  const m = TOKEN_RE.exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : undefined;
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), "hex");
  const stored = Buffer.from(storedHash, "hex");
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}
