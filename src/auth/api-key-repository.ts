/**
 * Persistence of API keys. Lookups for authentication go by id alone (the id is in the token);
 * everything an RPC does is scoped by tenant, so foreign ids read as unknown.
 */
import type { EntityManager } from "typeorm";
import { ApiKeyEntity, type ApiKeyRow } from "../infra/db/entities.js";
import { dbCall } from "../infra/db/errors.js";
import type { StoredApiKey } from "./api-key.js";
import { isRole } from "./roles.js";

export interface ApiKeyListQuery {
  tenant: string;
  showRevoked: boolean;
  /** Keyset cursor: keys strictly older than this (create_time desc, id desc). */
  after?: { createTime: Date; id: string };
  limit: number;
}

export class ApiKeyRepository {
  constructor(private readonly manager: EntityManager) {}

  async insert(key: StoredApiKey): Promise<void> {
    await dbCall(() => this.manager.insert(ApiKeyEntity, { ...key }));
  }

  /** Any tenant's key: only for authentication, which learns the tenant from it. */
  async findById(id: string): Promise<StoredApiKey | undefined> {
    const row = await dbCall(() => this.manager.findOneBy(ApiKeyEntity, { id }));
    return row ? rowToKey(row) : undefined;
  }

  async get(tenant: string, id: string): Promise<StoredApiKey | undefined> {
    const row = await dbCall(() => this.manager.findOneBy(ApiKeyEntity, { tenant, id }));
    return row ? rowToKey(row) : undefined;
  }

  async list(q: ApiKeyListQuery): Promise<StoredApiKey[]> {
    const rows = await dbCall(() => {
      const qb = this.manager
        .createQueryBuilder(ApiKeyEntity, "k")
        .where("k.tenant = :tenant", { tenant: q.tenant })
        .orderBy("k.create_time", "DESC")
        .addOrderBy("k.id", "DESC")
        .limit(q.limit);
      if (!q.showRevoked) qb.andWhere("k.revoke_time IS NULL");
      if (q.after) {
        qb.andWhere("(k.create_time < :ct OR (k.create_time = :ct AND k.id < :cid))", { ct: q.after.createTime, cid: q.after.id });
      }
      return qb.getMany();
    });
    return rows.map(rowToKey);
  }

  /** Sets revoke_time of the tenant's key unless it is already set. */
  async revoke(tenant: string, id: string, time: Date): Promise<void> {
    await dbCall(() =>
      this.manager
        .createQueryBuilder()
        .update(ApiKeyEntity)
        .set({ revokeTime: time })
        .where("tenant = :tenant AND id = :id AND revoke_time IS NULL", { tenant, id })
        .execute(),
    );
  }

  async touch(id: string, time: Date): Promise<void> {
    await dbCall(() => this.manager.update(ApiKeyEntity, { id }, { lastUseTime: time }));
  }
}

function rowToKey(row: ApiKeyRow): StoredApiKey {
  if (!isRole(row.role)) throw new Error(`api key ${row.id} has an unknown role "${row.role}"`);
  return {
    id: row.id,
    tenant: row.tenant,
    displayName: row.displayName,
    role: row.role,
    secretHash: row.secretHash,
    createdBy: row.createdBy,
    createTime: row.createTime,
    expireTime: row.expireTime,
    revokeTime: row.revokeTime,
    lastUseTime: row.lastUseTime,
  };
}
