/**
 * ApiKeyService RPC handlers (admin only, see rpc/authz.ts): every call acts on the caller's
 * tenant. The secret leaves the server once, in CreateApiKeyResponse.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type { ApiKey } from "../auth/api-key.js";
import type { ApiKeyService } from "../auth/api-key-service.js";
import type { Role } from "../auth/roles.js";
import { InvalidArgumentError } from "../domain/errors.js";
import {
  ApiKeySchema,
  CreateApiKeyResponseSchema,
  ListApiKeysResponseSchema,
  Role as PbRole,
  type ApiKey as PbApiKey,
  type ApiKeyService as ApiKeyServiceDesc,
} from "../gen/taskyard/v1/api_key_service_pb.js";
import { callerOf } from "./caller.js";
import { validatePageSize, validateTimestamp } from "./validate.js";

const ROLE_FROM_PB: Readonly<Partial<Record<PbRole, Role>>> = {
  [PbRole.VIEWER]: "viewer",
  [PbRole.OPERATOR]: "operator",
  [PbRole.ADMIN]: "admin",
  [PbRole.WORKER]: "worker",
};
const ROLE_TO_PB: Readonly<Record<Role, PbRole>> = { viewer: PbRole.VIEWER, operator: PbRole.OPERATOR, admin: PbRole.ADMIN, worker: PbRole.WORKER };
const KEY_ID_RE = /^[0-9a-f]{16}$/;

export function createApiKeyHandlers({ apiKeys }: { apiKeys: ApiKeyService }): ServiceImpl<typeof ApiKeyServiceDesc> {
  return {
    async createApiKey(req, ctx) {
      const k = req.apiKey;
      if (!k) throw new InvalidArgumentError("api_key: is required", "api_key");
      const role = ROLE_FROM_PB[k.role];
      if (!role) throw new InvalidArgumentError("api_key.role: must be ROLE_VIEWER, ROLE_OPERATOR, ROLE_ADMIN or ROLE_WORKER", "api_key.role");
      const { key, token } = await apiKeys.create(callerOf(ctx), {
        displayName: k.displayName,
        role,
        expireTime: k.expireTime ? validateTimestamp("api_key.expire_time", k.expireTime) : null,
      });
      return create(CreateApiKeyResponseSchema, { apiKey: apiKeyToPb(key), secret: token });
    },

    async listApiKeys(req, ctx) {
      const page = await apiKeys.list(callerOf(ctx).tenant, {
        pageSize: validatePageSize("page_size", req.pageSize, 100),
        pageToken: req.pageToken,
        showRevoked: req.showRevoked,
      });
      return create(ListApiKeysResponseSchema, { apiKeys: page.keys.map(apiKeyToPb), nextPageToken: page.nextPageToken });
    },

    async revokeApiKey(req, ctx) {
      if (!KEY_ID_RE.test(req.id)) throw new InvalidArgumentError("id: must be an API key id (16 hex digits)", "id");
      return apiKeyToPb(await apiKeys.revoke(callerOf(ctx).tenant, req.id));
    },
  };
}

function apiKeyToPb(k: ApiKey): PbApiKey {
  return create(ApiKeySchema, {
    id: k.id,
    displayName: k.displayName,
    role: ROLE_TO_PB[k.role],
    tenant: k.tenant,
    createdBy: k.createdBy,
    createTime: timestampFromDate(k.createTime),
    expireTime: k.expireTime ? timestampFromDate(k.expireTime) : undefined,
    revokeTime: k.revokeTime ? timestampFromDate(k.revokeTime) : undefined,
    lastUseTime: k.lastUseTime ? timestampFromDate(k.lastUseTime) : undefined,
  });
}
