/**
 * The database a benchmark runs against: BENCH_DATABASE_URL when set (an existing MySQL 8 /
 * MariaDB 10.11; nothing is started or stopped), else a private MariaDB on `dataDir` started with
 * the same launcher as `taskyard dev` and the tests (src/infra/local/mariadb.ts). Migrations run
 * through the real DataSource either way.
 */
import path from "node:path";
import type { DataSource } from "typeorm";
import { createDataSource, migrate } from "../../src/infra/db/data-source.js";
import { startLocalMariaDb } from "../../src/infra/local/mariadb.js";

export interface BenchDatabase {
  url: string;
  /** True when this process started the server (so it may tune and must stop it). */
  owned: boolean;
  stop(): Promise<void>;
}

export const log = (msg: string) => console.log(`[bench] ${msg}`);

export async function startBenchDatabase(opts: { dataDir: string; database: string }): Promise<BenchDatabase> {
  const external = process.env.BENCH_DATABASE_URL?.trim();
  if (external) {
    log(`using BENCH_DATABASE_URL (${external.replace(/\/\/[^@/]*@/, "//***@")})`);
    return { url: external, owned: false, stop: async () => {} };
  }
  const dataDir = path.resolve(opts.dataDir);
  const started = Date.now();
  const db = await startLocalMariaDb({ dataDir, database: opts.database, logger: process.env.BENCH_VERBOSE ? { info: log } : undefined });
  log(`private MariaDB on 127.0.0.1:${db.port} (datadir ${path.relative(process.cwd(), dataDir) || dataDir}) ready in ${Date.now() - started} ms`);
  return { url: db.url, owned: true, stop: () => db.stop() };
}

/** Connects and applies pending migrations; logs which ran and how long they took. */
export async function connectAndMigrate(url: string, poolSize = 10): Promise<DataSource> {
  const dataSource = createDataSource(url, poolSize);
  await dataSource.initialize();
  const started = Date.now();
  const applied = await migrate(dataSource);
  if (applied.length > 0) log(`migrations applied in ${Date.now() - started} ms: ${applied.join(", ")}`);
  return dataSource;
}

/** Server version line, e.g. "10.11.19-MariaDB-0+deb12u1". */
export async function serverVersion(dataSource: DataSource): Promise<string> {
  const [row] = (await dataSource.query("SELECT VERSION() AS v")) as Array<{ v: string }>;
  return row?.v ?? "?";
}

/**
 * Bench-only tuning of a private server (both settings are dynamic on MariaDB ≥ 10.9): a buffer
 * pool that holds the working set, and a redo log large enough that bulk seeding does not stall
 * on checkpoints. The launcher's own settings come back at the next start.
 */
export async function tunePrivateServer(url: string, opts: { bufferPoolMb: number; redoLogMb: number }): Promise<void> {
  const { createConnection } = await import("mysql2/promise");
  const conn = await createConnection(url);
  try {
    if (opts.redoLogMb > 0) await conn.query(`SET GLOBAL innodb_log_file_size = ${opts.redoLogMb * 1024 * 1024}`);
    if (opts.bufferPoolMb > 0) {
      const bytes = opts.bufferPoolMb * 1024 * 1024;
      await conn.query(`SET GLOBAL innodb_buffer_pool_size = ${bytes}`);
      // Resizing runs in the background: wait until the new size is in effect.
      for (let i = 0; i < 200; i++) {
        const [rows] = (await conn.query(`SELECT @@innodb_buffer_pool_size AS s`)) as unknown as [Array<{ s: string | number }>];
        if (Number(rows[0]!.s) >= bytes) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const [rows] = (await conn.query(`SELECT @@innodb_buffer_pool_size AS pool, @@innodb_log_file_size AS redo`)) as unknown as [Array<{ pool: string; redo: string }>];
    log(`private server tuned: innodb_buffer_pool_size ${Math.round(Number(rows[0]!.pool) / 1048576)} MB, innodb_log_file_size ${Math.round(Number(rows[0]!.redo) / 1048576)} MB`);
  } finally {
    await conn.end();
  }
}
