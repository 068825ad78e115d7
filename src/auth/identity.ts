/**
 * Who is calling, as established from a credential. Structurally a tasks `Caller` (tenant +
 * principal) plus the roles the credential grants, so services take it as their caller as is.
 */
import type { Role } from "./roles.js";

export interface Identity {
  /** Scopes every read and write; comes from the credential, never from a request. */
  readonly tenant: string;
  /** Recorded as `created_by` and as the actor of events: a JWT's subject, or `apikey:<id>`. */
  readonly principal: string;
  readonly roles: readonly Role[];
  /** How the caller authenticated; `anonymous` only when authentication is off. */
  readonly method: "jwt" | "api_key" | "anonymous";
}

/** Tenant ids: what fits the `tenant varchar(64)` columns and is safe in logs and labels. */
export const TENANT_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Principals must fit the `created_by` / `actor` varchar(256) columns. */
export const PRINCIPAL_MAX_LENGTH = 256;

/** The caller when authentication is off (`taskyard dev`): an admin of the `default` tenant. */
export const ANONYMOUS_ADMIN: Identity = Object.freeze({
  tenant: "default",
  principal: "anonymous",
  roles: Object.freeze(["admin"] as const),
  method: "anonymous",
});
