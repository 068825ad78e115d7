/**
 * Roles, from least to most: each includes the ones before it (DESIGN.md "Security").
 * viewer reads; operator also creates and steers tasks; admin also deletes, forces, and manages
 * queues and API keys.
 */
export const ROLES = ["viewer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** Whether a caller holding `held` may do what needs `required`. */
export function grants(held: readonly Role[], required: Role): boolean {
  const need = ROLES.indexOf(required);
  return held.some((role) => ROLES.indexOf(role) >= need);
}

/** The most powerful of `roles`, or undefined when there is none. */
export function highestRole(roles: readonly Role[]): Role | undefined {
  let best: Role | undefined;
  for (const role of roles) if (best === undefined || ROLES.indexOf(role) > ROLES.indexOf(best)) best = role;
  return best;
}
