/**
 * API key use cases, shared by the ApiKeyService RPCs, the `taskyard apikey` CLI and the
 * authenticator. Keys belong to one tenant and carry one role; every management call is scoped
 * to the caller's tenant.
 *
 * Authentication caches what it read for CACHE_MS per key, so a busy backend costs one
 * database read per key every few seconds rather than one per call. Consequence (documented in
 * docs/security.md): a revoked key stops working at once on the replica that revoked it and
 * within CACHE_MS on the others.
 */
import { InvalidArgumentError, NotFoundError } from "../domain/errors.js";
import { isActive, type ApiKey, type NewApiKey, type StoredApiKey } from "./api-key.js";
import type { ApiKeyRepository } from "./api-key-repository.js";
import { generateApiKeySecret, parseApiKeyToken, secretMatches } from "./api-key-secret.js";
import type { Identity } from "./identity.js";

export const CACHE_MS = 5_000;
/** last_use_time is a hint for operators, not an audit log: written at most this often per key. */
const TOUCH_EVERY_MS = 60_000;
const CACHE_MAX_ENTRIES = 10_000;
const DISPLAY_NAME_MAX = 256;

export interface ApiKeyServiceDeps {
  keys: ApiKeyRepository;
  now?: () => Date;
  /** Failures of the fire-and-forget last_use_time update (never fail the call itself). */
  onBackgroundError?: (err: unknown) => void;
}

export interface ApiKeyPage {
  keys: ApiKey[];
  nextPageToken: string;
}

export class ApiKeyService {
  private readonly cache = new Map<string, { key: StoredApiKey; until: number }>();
  private readonly now: () => Date;

  constructor(private readonly deps: ApiKeyServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Creates a key of `creator.tenant`; the returned token is the only copy of the secret. */
  async create(creator: { tenant: string; principal: string }, input: NewApiKey): Promise<{ key: ApiKey; token: string }> {
    const displayName = input.displayName.trim();
    if (displayName.length === 0 || displayName.length > DISPLAY_NAME_MAX) {
      throw new InvalidArgumentError(`api_key.display_name: must be 1–${DISPLAY_NAME_MAX} characters`, "api_key.display_name");
    }
    const now = this.now();
    if (input.expireTime && input.expireTime.getTime() <= now.getTime()) {
      throw new InvalidArgumentError("api_key.expire_time: must be in the future", "api_key.expire_time");
    }
    const secret = generateApiKeySecret();
    const stored: StoredApiKey = {
      id: secret.id,
      tenant: creator.tenant,
      displayName,
      role: input.role,
      secretHash: secret.secretHash,
      createdBy: creator.principal,
      createTime: now,
      expireTime: input.expireTime,
      revokeTime: null,
      lastUseTime: null,
    };
    await this.deps.keys.insert(stored);
    return { key: publicKey(stored), token: secret.token };
  }

  async list(tenant: string, options: { pageSize: number; pageToken: string; showRevoked: boolean }): Promise<ApiKeyPage> {
    const after = options.pageToken ? decodePageToken(options.pageToken) : undefined;
    const rows = await this.deps.keys.list({ tenant, showRevoked: options.showRevoked, after, limit: options.pageSize + 1 });
    const page = rows.slice(0, options.pageSize);
    const last = page[page.length - 1];
    return {
      keys: page.map(publicKey),
      nextPageToken: rows.length > options.pageSize && last ? encodePageToken(last) : "",
    };
  }

  /** Revokes the tenant's key (idempotent). NOT_FOUND for unknown and foreign ids alike. */
  async revoke(tenant: string, id: string): Promise<ApiKey> {
    const existing = await this.deps.keys.get(tenant, id);
    if (!existing) throw new NotFoundError(`api key "${id}" not found`);
    if (existing.revokeTime === null) await this.deps.keys.revoke(tenant, id, this.now());
    this.cache.delete(id);
    const revoked = await this.deps.keys.get(tenant, id);
    if (!revoked) throw new NotFoundError(`api key "${id}" not found`);
    return publicKey(revoked);
  }

  /**
   * The identity a bearer token grants, or undefined when it is malformed, unknown, wrong,
   * expired or revoked — callers must not tell these apart to the client.
   */
  async authenticate(token: string): Promise<Identity | undefined> {
    const parsed = parseApiKeyToken(token);
    if (!parsed) return undefined;
    const key = await this.lookup(parsed.id);
    if (!key || !secretMatches(parsed.secret, key.secretHash)) return undefined;
    const now = this.now();
    if (!isActive(key, now)) return undefined;
    this.touch(key, now);
    return { tenant: key.tenant, principal: `apikey:${key.id}`, roles: [key.role], method: "api_key" };
  }

  private async lookup(id: string): Promise<StoredApiKey | undefined> {
    const hit = this.cache.get(id);
    if (hit && hit.until > Date.now()) return hit.key;
    const key = await this.deps.keys.findById(id);
    this.cache.delete(id);
    // Unknown ids are not cached: random guesses must not fill the cache.
    if (key) {
      if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(id, { key, until: Date.now() + CACHE_MS });
    }
    return key;
  }

  private touch(key: StoredApiKey, now: Date): void {
    if (key.lastUseTime && now.getTime() - key.lastUseTime.getTime() < TOUCH_EVERY_MS) return;
    key.lastUseTime = now; // the cached copy: later calls within the interval skip the write
    this.deps.keys.touch(key.id, now).catch((err: unknown) => this.deps.onBackgroundError?.(err));
  }
}

function publicKey(key: StoredApiKey): ApiKey {
  const { secretHash: _secretHash, ...rest } = key;
  return rest;
}

// Page tokens are opaque to clients: base64url of the last key's keyset position.
function encodePageToken(key: ApiKey): string {
  return Buffer.from(`k:${key.createTime.getTime()}:${key.id}`).toString("base64url");
}

function decodePageToken(token: string): { createTime: Date; id: string } {
  const m = /^k:(\d{1,15}):([0-9a-f]{16})$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  if (!m) throw new InvalidArgumentError("page_token: invalid page token; pass next_page_token from a previous response", "page_token");
  return { createTime: new Date(Number(m[1])), id: m[2]! };
}
