/** Domain types of API keys: what the service, the repository, the RPC layer and the CLI exchange. */
import type { Role } from "./roles.js";

export interface ApiKey {
  id: string;
  tenant: string;
  displayName: string;
  role: Role;
  createdBy: string;
  createTime: Date;
  expireTime: Date | null;
  revokeTime: Date | null;
  lastUseTime: Date | null;
}

/** A key as stored: with the hash of its secret, which never leaves src/auth. */
export interface StoredApiKey extends ApiKey {
  secretHash: string;
}

export interface NewApiKey {
  displayName: string;
  role: Role;
  expireTime: Date | null;
}

/** Whether the key may authenticate a call at `now`. */
export function isActive(key: ApiKey, now: Date): boolean {
  return key.revokeTime === null && (key.expireTime === null || key.expireTime.getTime() > now.getTime());
}
