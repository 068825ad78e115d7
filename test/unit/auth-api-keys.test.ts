import { describe, expect, it } from "vitest";
import type { StoredApiKey } from "../../src/auth/api-key.js";
import type { ApiKeyRepository } from "../../src/auth/api-key-repository.js";
import { generateApiKeySecret, hashSecret, looksLikeApiKey, parseApiKeyToken, secretMatches } from "../../src/auth/api-key-secret.js";
import { ApiKeyService, CACHE_MS } from "../../src/auth/api-key-service.js";
import { InvalidArgumentError, NotFoundError } from "../../src/domain/errors.js";

describe("API key secrets", () => {
  it("are tyk_<16 hex id>_<32 random bytes>, parsed back, and matched only by the right secret", () => {
    const a = generateApiKeySecret();
    const b = generateApiKeySecret();
    expect(a.token).toMatch(/^tyk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(a.id).not.toBe(b.id);
    const parsed = parseApiKeyToken(a.token)!;
    expect(parsed.id).toBe(a.id);
    expect(Buffer.from(parsed.secret, "base64url")).toHaveLength(32);
    expect(a.secretHash).toBe(hashSecret(parsed.secret));
    expect(a.secretHash).not.toContain(parsed.secret);
    expect(secretMatches(parsed.secret, a.secretHash)).toBe(true);
    expect(secretMatches(parseApiKeyToken(b.token)!.secret, a.secretHash)).toBe(false);
    expect(secretMatches(parsed.secret, "00")).toBe(false);
  });

  it("refuses malformed tokens", () => {
    expect(looksLikeApiKey("eyJhbGciOi.x.y")).toBe(false);
    for (const bad of ["tyk_", "tyk_0123456789abcdef_short", "tyk_0123456789ABCDEF_" + "a".repeat(43), generateApiKeySecret().token + "x"]) {
      expect(parseApiKeyToken(bad)).toBeUndefined();
    }
  });
});

/** An in-memory repository with a read counter, to see what the cache saves. */
function fakeRepository() {
  const rows = new Map<string, StoredApiKey>();
  const stats = { reads: 0, touches: 0 };
  const repo = {
    async insert(key: StoredApiKey) {
      rows.set(key.id, { ...key });
    },
    async findById(id: string) {
      stats.reads++;
      const k = rows.get(id);
      return k ? { ...k } : undefined;
    },
    async get(tenant: string, id: string) {
      const k = rows.get(id);
      return k && k.tenant === tenant ? { ...k } : undefined;
    },
    async list({ tenant, showRevoked, limit }: { tenant: string; showRevoked: boolean; limit: number }) {
      return [...rows.values()].filter((k) => k.tenant === tenant && (showRevoked || !k.revokeTime)).slice(0, limit);
    },
    async revoke(tenant: string, id: string, time: Date) {
      const k = rows.get(id);
      if (k && k.tenant === tenant && !k.revokeTime) k.revokeTime = time;
    },
    async touch(id: string, time: Date) {
      stats.touches++;
      rows.get(id)!.lastUseTime = time;
    },
  };
  return { rows, stats, repo: repo as unknown as ApiKeyRepository };
}

describe("ApiKeyService", () => {
  const creator = { tenant: "acme", principal: "alice" };

  it("authenticates a key as its tenant and role, with principal apikey:<id>", async () => {
    const { repo } = fakeRepository();
    const service = new ApiKeyService({ keys: repo });
    const { key, token } = await service.create(creator, { displayName: "video", role: "operator", expireTime: null });
    expect(key).not.toHaveProperty("secretHash");
    expect(await service.authenticate(token)).toEqual({ tenant: "acme", principal: `apikey:${key.id}`, roles: ["operator"], method: "api_key" });
    expect(await service.authenticate(token.slice(0, -1) + (token.endsWith("A") ? "B" : "A"))).toBeUndefined();
  });

  it("reads a key once per cache period and records its use at most once a minute", async () => {
    const { repo, stats } = fakeRepository();
    const service = new ApiKeyService({ keys: repo });
    const { token } = await service.create(creator, { displayName: "k", role: "viewer", expireTime: null });
    for (let i = 0; i < 5; i++) expect(await service.authenticate(token)).toBeDefined();
    expect(stats.reads).toBe(1);
    expect(stats.touches).toBe(1);
    expect(CACHE_MS).toBeLessThanOrEqual(10_000);
  });

  it("does not cache unknown ids", async () => {
    const { repo, stats } = fakeRepository();
    const service = new ApiKeyService({ keys: repo });
    const token = generateApiKeySecret().token;
    await service.authenticate(token);
    await service.authenticate(token);
    expect(stats.reads).toBe(2);
  });

  it("refuses a revoked key at once on the revoking instance", async () => {
    const { repo } = fakeRepository();
    const service = new ApiKeyService({ keys: repo });
    const { key, token } = await service.create(creator, { displayName: "k", role: "viewer", expireTime: null });
    expect(await service.authenticate(token)).toBeDefined(); // now cached
    const revoked = await service.revoke("acme", key.id);
    expect(revoked.revokeTime).toBeInstanceOf(Date);
    expect(await service.authenticate(token)).toBeUndefined();
    expect((await service.revoke("acme", key.id)).revokeTime).toEqual(revoked.revokeTime); // idempotent
  });

  it("refuses an expired key even while it is cached", async () => {
    const { repo } = fakeRepository();
    let now = new Date("2026-01-01T00:00:00Z");
    const service = new ApiKeyService({ keys: repo, now: () => now });
    const { token } = await service.create(creator, { displayName: "k", role: "viewer", expireTime: new Date("2026-01-01T00:00:01Z") });
    expect(await service.authenticate(token)).toBeDefined();
    now = new Date("2026-01-01T00:00:01Z");
    expect(await service.authenticate(token)).toBeUndefined();
  });

  it("answers NOT_FOUND for another tenant's key and validates new keys", async () => {
    const { repo } = fakeRepository();
    const service = new ApiKeyService({ keys: repo, now: () => new Date("2026-01-01T00:00:00Z") });
    const { key } = await service.create(creator, { displayName: "k", role: "viewer", expireTime: null });
    await expect(service.revoke("other", key.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.create(creator, { displayName: " ", role: "viewer", expireTime: null })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(service.create(creator, { displayName: "k", role: "viewer", expireTime: new Date("2025-12-31T00:00:00Z") })).rejects.toThrow(/expire_time/);
  });
});
