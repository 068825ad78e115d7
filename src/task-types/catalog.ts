/**
 * What CreateTask, BatchCreateTasks, UpdateTask and CloneTask ask of the registry: is the type
 * registered in the caller's tenant, what are its defaults, do the params match its schema.
 * Registered specs are cached for a few seconds per process (creates are the hot path); a miss is
 * never cached, so a type is usable as soon as its first worker registered it, and a registration
 * through this process drops its cached spec (other replicas see a changed schema within
 * CACHE_MS).
 */
import { InvalidArgumentError } from "../domain/errors.js";
import type { JsonObject, TaskDefaults } from "../tasks/types.js";
import type { TaskTypeRepository } from "./repository.js";
import { checkParams } from "./schema.js";
import { defaultsOf, type TaskTypeSpec } from "./types.js";

const CACHE_MS = 5_000;

export class TaskTypeCatalog {
  private readonly cache = new Map<string, { spec: TaskTypeSpec; until: number }>();

  constructor(private readonly types: TaskTypeRepository) {}

  /** The registered spec; INVALID_ARGUMENT on `field` when the tenant has no such type. */
  async require(tenant: string, type: string, field: string): Promise<TaskTypeSpec> {
    const key = `${tenant}\u0000${type}`;
    const hit = this.cache.get(key);
    if (hit && hit.until > Date.now()) return hit.spec;
    const spec = await this.types.spec(tenant, type);
    if (!spec) {
      throw new InvalidArgumentError(`${field}: unknown task type "${type}": no worker has registered it (see ListTaskTypes and docs/workers.md)`, field);
    }
    this.cache.set(key, { spec, until: Date.now() + CACHE_MS });
    return spec;
  }

  /**
   * Execution defaults of the named types, for request validation: a type's own where it is
   * registered, else the global ones (an unknown type is refused later, by `check`).
   */
  async defaultsFor(tenant: string, types: readonly string[]): Promise<(type: string) => TaskDefaults> {
    const specs = new Map<string, TaskTypeSpec | undefined>();
    for (const type of new Set(types)) {
      specs.set(type, await this.require(tenant, type, "task.type").catch(() => undefined));
    }
    return (type) => defaultsOf(specs.get(type));
  }

  /** Drops the cached specs of `types` in `tenant` (a worker re-registered them). */
  forget(tenant: string, types: readonly string[]): void {
    for (const type of types) this.cache.delete(`${tenant}\u0000${type}`);
  }

  /** Checks `params` against the type's schema; `field` is where the params sit in the request. */
  async check(tenant: string, type: string, params: JsonObject, fields: { type: string; params: string }): Promise<void> {
    const spec = await this.require(tenant, type, fields.type);
    if (spec.paramsSchema) checkParams(fields.params, spec.paramsSchema, params);
  }
}
