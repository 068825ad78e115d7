/** The TypeORM DataSource for MySQL 8 / MariaDB 10.11 (mysql2 driver), times in UTC. */
import { DataSource } from "typeorm";
import { ENTITIES } from "./entities.js";
import { MIGRATIONS } from "./migrations/index.js";

export function createDataSource(url: string, poolSize = 10): DataSource {
  return new DataSource({
    type: "mysql",
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTransactionMode: "each",
    synchronize: false,
    timezone: "Z",
    charset: "utf8mb4_unicode_ci",
    poolSize,
    // BIGINT as strings (exact); repositories convert the small counters to numbers.
    supportBigNumbers: true,
    bigNumberStrings: true,
    extra: { connectTimeout: 10_000 },
    logging: false,
  });
}

/** Applies pending migrations; returns their names. */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: "each" });
  return applied.map((m) => m.name);
}
