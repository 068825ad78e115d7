/**
 * Roles (DESIGN.md "Security"). viewer, operator and admin are cumulative, from least to most:
 * viewer reads; operator also creates and steers tasks; admin also deletes, forces, and manages
 * queues and API keys. worker stands apart, for users' own worker processes: WorkerService and
 * ListTaskTypes only; admin includes it (so `taskyard dev`, authentication off, runs workers).
 */
export const ROLES = ["viewer", "operator", "admin", "worker"] as const;
const LADDER: readonly Role[] = ["viewer", "operator", "admin"];
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** Whether a caller holding `held` may do what needs `required`. */
export function grants(held: readonly Role[], required: Role): boolean {
  if (required === "worker") return held.includes("worker") || held.includes("admin");
  const need = LADDER.indexOf(required);
  return held.some((role) => role !== "worker" && LADDER.indexOf(role) >= need);
}

/** The most powerful of `roles`, or undefined when there is none. */
export function highestRole(roles: readonly Role[]): Role | undefined {
  let best: Role | undefined;
  // worker ranks below viewer here: it is the narrowest grant.
  const rank = (r: Role) => LADDER.indexOf(r);
  for (const role of roles) if (best === undefined || rank(role) > rank(best)) best = role;
  return best;
}
