/**
 * Tables derived from `tasks` that a seed written straight into `tasks` must fill, exactly as
 * their migrations backfill them.
 */
import type { DataSource } from "typeorm";
import { TASK_LABELS_BACKFILL } from "../../src/infra/db/migrations/1795480000001-create-task-labels.js";
import { withoutSecondaryIndexes } from "./seed.js";

export async function afterSeed(ds: DataSource): Promise<void> {
  await withoutSecondaryIndexes(ds, "task_labels", async () => {
    await ds.query(TASK_LABELS_BACKFILL);
  });
}
