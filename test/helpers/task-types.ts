/**
 * Task types for tests: the built-in demo handlers' types registered in a tenant, as their
 * worker would (with no worker online), so suites that only create tasks — in any tenant — can
 * use demo.* types. startTestApp tracks its database; tokens and API keys minted by the test
 * helpers register the demo types in their tenant first.
 */
import type { DataSource } from "typeorm";
import { TaskTypeRepository } from "../../src/task-types/repository.js";
import { specOf } from "../../src/worker/registration.js";
import { DEMO_HANDLERS } from "../../src/commands/worker.js";

const databases = new Set<DataSource>();
const done = new WeakMap<DataSource, Set<string>>();

export function trackDatabase(dataSource: DataSource): void {
  databases.add(dataSource);
}

export function untrackDatabase(dataSource: DataSource): void {
  databases.delete(dataSource);
}

/** Registers the demo types in `tenant` in every tracked database (once each). */
export async function ensureDemoTypes(tenant: string, dataSource?: DataSource): Promise<void> {
  for (const ds of dataSource ? [dataSource] : databases) {
    const seen = done.get(ds) ?? new Set<string>();
    done.set(ds, seen);
    if (seen.has(tenant) || !ds.isInitialized) continue;
    await new TaskTypeRepository(ds.manager).register(tenant, { workerId: "test-fixture", identity: "test fixture", sdk: "test", types: DEMO_HANDLERS.map(specOf) }, [], new Date());
    seen.add(tenant);
  }
}
