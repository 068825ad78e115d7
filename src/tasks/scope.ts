/**
 * Which task rows a statement may see (alias `t`, parameter `:tenant`): the tenant's own; its own
 * and every PUBLIC one (reads of single tasks); or only other tenants' PUBLIC ones (the second
 * half of an include_public list — TaskQueryRepository.listWithPublic).
 */
export type Scope = "own" | "readable" | "othersPublic";

export const SCOPES: Readonly<Record<Scope, string>> = {
  own: "t.tenant = :tenant",
  readable: "(t.tenant = :tenant OR t.visibility = 'PUBLIC')",
  othersPublic: "t.visibility = 'PUBLIC' AND t.tenant <> :tenant",
};

export function scopeOf(includePublic: boolean | undefined): Scope {
  return includePublic ? "readable" : "own";
}

/** The tenant's own rows, or also every PUBLIC one. */
export function tenantScope(includePublic: boolean | undefined): string {
  return SCOPES[scopeOf(includePublic)];
}
