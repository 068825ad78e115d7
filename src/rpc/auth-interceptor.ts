/**
 * Authentication and authorization of every RPC but health (rpc/authz.ts has the table).
 * Sets the caller (rpc/caller.ts) from the credential, so tenant, `created_by` and event actors
 * come from it and never from the request. A missing or bad credential is UNAUTHENTICATED with
 * a fixed message and a `WWW-Authenticate: Bearer` header; a valid credential without the role
 * is PERMISSION_DENIED naming the role. Role checks depend on the request (method, `force`,
 * whether it sets a task's visibility) only, never on a resource, so they reveal nothing about
 * other tenants' ids.
 */
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import type { Authenticator } from "../auth/authenticator.js";
import { ANONYMOUS_ADMIN, type Identity } from "../auth/identity.js";
import { grants, highestRole } from "../auth/roles.js";
import { PermissionDeniedError, UnauthenticatedError } from "../domain/errors.js";
import { PUBLIC_SERVICES, requirementOf } from "./authz.js";
import { callerKey } from "./caller.js";

export interface AuthInterceptorOptions {
  /** `off`: no credential needed, every caller is ANONYMOUS_ADMIN (only for `taskyard dev`). */
  mode: "on" | "off";
  authenticator: Authenticator;
}

export function authInterceptor({ mode, authenticator }: AuthInterceptorOptions): Interceptor {
  return (next) => async (req) => {
    if (PUBLIC_SERVICES.has(req.service.typeName)) return next(req);
    const caller = mode === "off" ? ANONYMOUS_ADMIN : await authenticate(authenticator, req.header.get("authorization"));
    const need = requirementOf(req.service.typeName, req.method.name, req.stream ? undefined : req.message);
    if (!need.roles.some((role) => grants(caller.roles, role))) {
      const held = highestRole(caller.roles);
      const needed = need.roles.map((r) => `"${r}"`).join(" or ");
      throw new PermissionDeniedError(`permission denied: ${need.what} requires role ${needed}; the credential grants ${held ? `"${held}"` : "no role"}`);
    }
    req.contextValues.set(callerKey, caller);
    return next(req);
  };
}

async function authenticate(authenticator: Authenticator, authorization: string | null): Promise<Identity> {
  try {
    return await authenticator.authenticate(authorization);
  } catch (err) {
    if (err instanceof UnauthenticatedError) {
      throw new ConnectError(err.message, Code.Unauthenticated, { "www-authenticate": 'Bearer realm="taskyard"' });
    }
    throw err;
  }
}
