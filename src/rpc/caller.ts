/**
 * The authenticated caller of an RPC, read from the handler context. The auth interceptor
 * (auth-interceptor.ts) sets it from the credential before any handler runs; services take it
 * as their `Caller` (tenant scopes every query, principal becomes `created_by` and event actors).
 */
import { createContextKey, type HandlerContext } from "@connectrpc/connect";
import type { Identity } from "../auth/identity.js";

/**
 * What a handler sees when no interceptor set a caller (handlers served without the auth
 * interceptor, e.g. through createRouterTransport in unit tests): the `default` tenant, no roles.
 */
const NOBODY: Identity = Object.freeze({ tenant: "default", principal: "anonymous", roles: Object.freeze([]), method: "anonymous" });

export const callerKey = createContextKey<Identity>(NOBODY, { description: "authenticated caller" });

export function callerOf(ctx: HandlerContext): Identity {
  return ctx.values.get(callerKey);
}
