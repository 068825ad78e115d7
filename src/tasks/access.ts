/** Which tasks a caller may read and which it may write: reads reach other tenants' PUBLIC tasks, writes never. */
import { NotFoundError, PermissionDeniedError, type DomainError } from "../domain/errors.js";
import type { TaskRepository } from "./repository.js";

export function taskNotFound(id: string): NotFoundError {
  return new NotFoundError(`task "${id}" not found`);
}

/**
 * Why a write found no task `id` of the tenant's: another tenant's PUBLIC task is visible, so
 * "not found" would be a lie — PERMISSION_DENIED; anything else is NOT_FOUND (another tenant's
 * private task must look exactly like a missing one).
 */
export async function notWritable(tasks: TaskRepository, tenant: string, id: string): Promise<DomainError> {
  const visible = await tasks.get(tenant, id, { includePublic: true });
  if (visible) return new PermissionDeniedError(`task "${id}" is another tenant's public task: it can be read and cloned, not changed`);
  return taskNotFound(id);
}
