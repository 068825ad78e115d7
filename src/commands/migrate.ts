/** `taskyard migrate`: applies pending TypeORM migrations, then exits. */
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { migrate } from "../infra/db/data-source.js";
import { openDatabase } from "./shared.js";

export async function runMigrate(config: Config, logger: Logger): Promise<void> {
  const dataSource = await openDatabase(config.databaseUrl, 1, logger);
  try {
    const applied = await migrate(dataSource);
    logger.info({ applied }, applied.length ? `applied ${applied.length} migration(s)` : "schema is up to date");
  } finally {
    await dataSource.destroy();
  }
}
