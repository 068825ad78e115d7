/**
 * Bulk seeding of realistic tasks straight into MySQL with INSERT … SELECT over MariaDB's
 * SEQUENCE engine (`seq_1_to_N`): ~50× faster than inserting from the client. Deterministic:
 * every value is a function of the row number (CRC32 mixes), so two seeds of the same spec are
 * identical apart from the time they end at.
 *
 * Shape of the data (per tenant): ~20 projects (skewed: the busiest holds ~10 %), 10 types,
 * statuses mostly terminal (COMPLETED 85 %, COMPLETED_WITH_ERRORS 5 %, FAILED 6 %, CANCELLED 4 %)
 * with QUEUED / RUNNING / PENDING only among the newest 1 %, ~5 % of the older half archived,
 * labels {asset: asset-NNNNNN (~100,000 assets, ~8–16 tasks each), product (8), version (1–5)},
 * 0–2 tags, names of four words ("analyze crimson trailer asset-001234"), a comment on ~15 %,
 * create_time spread evenly over `spanDays` up to now, UUIDv7-shaped ids in create_time order.
 *
 * A marker table (`bench_seed`) records what was seeded, so a second run skips seeding.
 * Seeding a private server takes ~1–2 min for 1.3M tasks (bench:list prints the time).
 */
import type { DataSource } from "typeorm";
import { createDataSource, migrate } from "../../src/infra/db/data-source.js";
import { log } from "./database.js";

export interface TenantSeed {
  tenant: string;
  count: number;
}

export interface SeedSpec {
  tenants: readonly TenantSeed[];
  spanDays: number;
}

/** Bump when the generated data changes: a datadir seeded with another version is re-seeded. */
const SEED_VERSION = 1;
const CHUNK = 50_000;
const PARALLEL = 2;

export const ADJECTIVES = ["sunset", "winter", "golden", "silent", "hidden", "crimson", "midnight", "electric", "frozen", "wild", "urban", "coastal", "desert", "northern", "broken", "lucky", "secret", "distant", "rapid", "gentle", "ancient", "neon", "velvet", "stormy", "quiet"];
export const NOUNS = ["trailer", "episode", "clip", "documentary", "interview", "concert", "match", "highlight", "teaser", "feature", "short", "series", "pilot", "finale", "recap", "vlog", "tutorial", "lecture", "keynote", "podcast", "promo", "commercial", "montage", "newsreel", "sitcom", "drama", "thriller", "western", "anime", "cartoon", "broadcast", "stream", "replay", "premiere", "sequel", "prequel", "remaster", "reel", "sample", "preview"];
export const TYPES = ["video.analyze", "video.transcode", "audio.fingerprint", "image.thumbnail", "asset.probe", "subtitle.extract", "scene.detect", "mood.classify", "genre.classify", "report.export"];
const VERBS = ["analyze", "transcode", "fingerprint", "thumbnail", "probe", "extract", "detect", "classify", "tag", "export"];
export const PRODUCTS = ["mood", "genre", "scenes", "faces", "logos", "speech", "subtitles", "thumbnails"];
const PEOPLE = ["alice", "bob", "carol", "dave", "erin", "frank"];

const sqlList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(", ");

/** The SELECT producing rows `from`..`to` of one tenant (columns in INSERT order). */
export function selectRows(tenantIndex: number, tenant: string, count: number, from: number, to: number, endMs: number, spanMs: number): string {
  const startMs = endMs - spanMs;
  // x: per-row basics; every r* is an independent-ish 32-bit hash of the row number.
  return `
    SELECT
      CONCAT(SUBSTR(h, 1, 8), '-', SUBSTR(h, 9, 4), '-7', LPAD(LOWER(HEX(${tenantIndex})), 3, '0'), '-8',
             SUBSTR(sh, 1, 3), '-', SUBSTR(sh, 4, 12)) AS id,
      '${tenant}' AS tenant,
      CONCAT(ELT(1 + r1 % 10, ${sqlList(VERBS)}), ' ', ELT(1 + r2 % ${ADJECTIVES.length}, ${sqlList(ADJECTIVES)}), ' ',
             ELT(1 + r3 % ${NOUNS.length}, ${sqlList(NOUNS)}), ' ', asset) AS name,
      ELT(1 + r1 % 10, ${sqlList(TYPES)}) AS type,
      CONCAT('project-', LPAD(1 + FLOOR(SQRT(r4 % 400)), 2, '0')) AS project,
      IF(r1 % 10 < 2, 'gpu', 'default') AS queue,
      ELT(1 + r5 % 4, 25, 50, 50, 75) AS priority,
      status,
      IF(status = 'FAILED', 'probe failed', '') AS status_message,
      CASE status WHEN 'PENDING' THEN 'CREATED' WHEN 'QUEUED' THEN 'CREATED' WHEN 'RUNNING' THEN 'DISPATCHED'
                  WHEN 'CANCELLED' THEN 'USER_ABORT' ELSE 'HANDLER_RESULT' END AS status_reason,
      IF(terminal, 100, IF(status = 'RUNNING', r6 % 100, 0)) AS progress_current,
      IF(status IN ('PENDING', 'QUEUED'), 0, 100) AS progress_total,
      IF(terminal, 100, IF(status = 'RUNNING', r6 % 100, 0)) AS progress_percent,
      '' AS progress_message,
      JSON_OBJECT('asset', asset, 'product', product) AS params,
      IF(status = 'COMPLETED', JSON_OBJECT('ok', true, 'frames', r6 % 100000), NULL) AS result,
      IF(status = 'FAILED', JSON_OBJECT('code', 'PROBE_FAILED', 'message', 'probe failed', 'retryable', false), NULL) AS error,
      IF(status = 'COMPLETED_WITH_ERRORS', 90, 0) AS items_succeeded,
      IF(status = 'COMPLETED_WITH_ERRORS', 10, 0) AS items_failed,
      '[]' AS item_failures,
      ELT(1 + r5 % 8, '[]', '[]', '[]', '["gpu"]', '["urgent"]', '["nightly"]', '["backfill", "nightly"]', '["gpu", "urgent"]') AS tags,
      JSON_OBJECT('asset', asset, 'product', product, 'version', CAST(1 + r6 % 5 AS CHAR)) AS labels,
      CASE WHEN r7 % 100 < 8 THEN CONCAT('needs review by ', ELT(1 + r7 % 6, ${sqlList(PEOPLE)}))
           WHEN r7 % 100 < 15 THEN CONCAT('re-run after ticket OPS-', r7 % 5000)
           ELSE '' END AS comment,
      NULL AS parent_id,
      ELT(1 + r7 % 6, 'svc-ingest', 'svc-ingest', 'svc-catalog', 'alice@example.com', 'bob@example.com', 'svc-backfill') AS created_by,
      IF(status = 'FAILED', 3, 1) AS attempt,
      '{}' AS retry_policy,
      '{}' AS timeouts,
      0 AS committing,
      IF(s < ${Math.floor(count / 2)} AND r7 % 10 = 0, 1, 0) AS archived,
      0 AS published,
      NULL AS request_id,
      NULL AS dedupe_key,
      NULL AS dedupe_live,
      ct AS create_time,
      IF(terminal, ct + INTERVAL (r6 % 600 + r5 % 60) SECOND, ct) AS update_time,
      IF(status = 'PENDING', NULL, ct) AS queue_time,
      IF(status IN ('PENDING', 'QUEUED'), NULL, ct + INTERVAL (r5 % 60) SECOND) AS start_time,
      IF(terminal, ct + INTERVAL (r6 % 600 + r5 % 60) SECOND, NULL) AS end_time,
      IF(status IN ('PENDING', 'QUEUED'), NULL, ct + INTERVAL (r5 % 60) SECOND) AS last_heartbeat_time,
      IF(status IN ('PENDING', 'QUEUED'), NULL, CONCAT(SUBSTR(h, 1, 8), '-', SUBSTR(h, 9, 4), '-7', LPAD(LOWER(HEX(${tenantIndex})), 3, '0'), '-8', SUBSTR(sh, 1, 3), '-', SUBSTR(sh, 4, 12))) AS workflow_id,
      NULL AS workflow_run_id,
      '[]' AS artifacts,
      1 AS version
    FROM (
      SELECT y.*,
        status IN ('COMPLETED', 'COMPLETED_WITH_ERRORS', 'FAILED', 'CANCELLED') AS terminal
      FROM (
        SELECT z.*,
          CASE
            WHEN s > ${count - Math.ceil(count / 100)} AND r8 % 100 < 30 THEN 'QUEUED'
            WHEN s > ${count - Math.ceil(count / 100)} AND r8 % 100 < 40 THEN 'RUNNING'
            WHEN s > ${count - Math.ceil(count / 100)} AND r8 % 100 < 45 THEN 'PENDING'
            WHEN r8 % 100 < 85 THEN 'COMPLETED'
            WHEN r8 % 100 < 90 THEN 'COMPLETED_WITH_ERRORS'
            WHEN r8 % 100 < 96 THEN 'FAILED'
            ELSE 'CANCELLED'
          END AS status
        FROM (
          SELECT seq AS s,
            LPAD(LOWER(HEX(${startMs} + FLOOR(seq * ${spanMs} / ${count}))), 12, '0') AS h,
            LPAD(LOWER(HEX(seq)), 15, '0') AS sh,
            FROM_UNIXTIME((${startMs} + FLOOR(seq * ${spanMs} / ${count})) / 1000) AS ct,
            CONCAT('asset-', LPAD((seq DIV 8) % 100000, 6, '0')) AS asset,
            ELT(1 + CRC32(CONCAT('p', seq)) % 8, ${sqlList(PRODUCTS)}) AS product,
            CRC32(CONCAT('a', seq)) AS r1, CRC32(CONCAT('b', seq)) AS r2, CRC32(CONCAT('c', seq)) AS r3,
            CRC32(CONCAT('d', seq)) AS r4, CRC32(CONCAT('e', seq)) AS r5, CRC32(CONCAT('f', seq)) AS r6,
            CRC32(CONCAT('g', seq)) AS r7, CRC32(CONCAT('h', seq)) AS r8
          FROM seq_1_to_${count}
          WHERE seq BETWEEN ${from} AND ${to}
        ) z
      ) y
    ) x`;
}

const COLUMNS = `id, tenant, name, type, project, queue, priority, status, status_message, status_reason,
  progress_current, progress_total, progress_percent, progress_message, params, result, error,
  items_succeeded, items_failed, item_failures, tags, labels, comment, parent_id, created_by, attempt,
  retry_policy, timeouts, committing, archived, published, request_id, dedupe_key, dedupe_live,
  create_time, update_time, queue_time, start_time, end_time, last_heartbeat_time, workflow_id,
  workflow_run_id, artifacts, version`;

export interface SeedResult {
  dataSource: DataSource;
  seeded: boolean;
  seconds: number;
  /** When the data was generated (the newest create_time). */
  endMs: number;
}

interface Marker {
  spec: string;
  end_ms: string;
  seconds: number;
}

/**
 * Connects to `url` and makes sure it holds `spec`'s data under the current schema:
 * - a database seeded earlier with the same spec (marker table `bench_seed`) is kept and only the
 *   pending migrations run — on the seeded rows, as they would in production;
 * - anything else is rebuilt: every table dropped (only a private server's database, an empty
 *   one, or an earlier bench seed — never someone's data), all migrations applied, then the rows
 *   inserted with the B-tree secondary indexes dropped and rebuilt once at the end (a sorted
 *   index build is far cheaper than maintaining nine indexes row by row).
 * `afterSeed` fills tables derived from tasks that a migration would have backfilled.
 */
export async function prepareDataset(
  url: string,
  spec: SeedSpec,
  opts: { owned: boolean; afterSeed?: (ds: DataSource) => Promise<void> },
): Promise<SeedResult> {
  const specText = JSON.stringify({ v: SEED_VERSION, ...spec });
  const expected = spec.tenants.reduce((a, t) => a + t.count, 0);
  const ds = createDataSource(url, 4);
  await ds.initialize();
  try {
    const tables = await tableNames(ds);
    let marker: Marker | undefined;
    if (tables.includes("bench_seed") && tables.includes("tasks")) {
      [marker] = (await ds.query(`SELECT spec, end_ms, seconds FROM bench_seed WHERE id = 1`)) as Marker[];
      const [{ n }] = (await ds.query(`SELECT COUNT(*) AS n FROM tasks`)) as Array<{ n: string }>;
      if (marker && marker.spec === specText && Number(n) === expected) {
        log(`seed found (${expected.toLocaleString("en-US")} tasks, seeded in ${marker.seconds.toFixed(1)} s): skipping seeding`);
        await migrateLogged(ds);
        return { dataSource: ds, seeded: false, seconds: marker.seconds, endMs: Number(marker.end_ms) };
      }
      log(marker ? "seed marker does not match this spec: re-seeding" : "incomplete seed: re-seeding");
    } else if (!opts.owned && tables.includes("tasks")) {
      const [{ n }] = (await ds.query(`SELECT COUNT(*) AS n FROM tasks`)) as Array<{ n: string }>;
      if (Number(n) > 0) throw new Error(`the BENCH_DATABASE_URL database holds ${n} tasks and no bench seed: refusing to wipe it; point BENCH_DATABASE_URL at an empty database`);
    }
    await dropAllTables(ds, tables);
    await migrateLogged(ds);
    const result = await seed(ds, spec, specText, opts.afterSeed);
    return { dataSource: ds, ...result };
  } catch (err) {
    await ds.destroy().catch(() => undefined);
    throw err;
  }
}

async function tableNames(ds: DataSource): Promise<string[]> {
  const rows = (await ds.query(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE()`)) as Array<{ t: string }>;
  return rows.map((r) => r.t);
}

async function dropAllTables(ds: DataSource, tables: readonly string[]): Promise<void> {
  if (tables.length === 0) return;
  const runner = ds.createQueryRunner();
  try {
    await runner.connect();
    await runner.query(`SET SESSION foreign_key_checks = 0`);
    await runner.query(`DROP TABLE ${tables.map((t) => `\`${t.replace(/`/g, "``")}\``).join(", ")}`);
  } finally {
    await runner.release();
  }
}

async function migrateLogged(ds: DataSource): Promise<void> {
  const started = Date.now();
  const applied = await migrate(ds);
  if (applied.length > 0) log(`migrations applied in ${((Date.now() - started) / 1000).toFixed(1)} s: ${applied.join(", ")}`);
}

/**
 * Runs `fn` with `table`'s B-tree secondary indexes dropped, then adds them back in one ALTER
 * (definitions as SHOW CREATE TABLE prints them; PRIMARY and FULLTEXT keys stay).
 */
export async function withoutSecondaryIndexes(ds: DataSource, table: string, fn: () => Promise<void>): Promise<void> {
  const [row] = (await ds.query(`SHOW CREATE TABLE \`${table}\``)) as Array<Record<string, string>>;
  const ddl = row?.["Create Table"] ?? "";
  const keys = ddl
    .split("\n")
    .map((line) => line.trim().replace(/,$/, ""))
    .filter((line) => /^(UNIQUE )?KEY `/.test(line));
  const names = keys.map((k) => /KEY `([^`]+)`/.exec(k)![1]!);
  if (names.length > 0) await ds.query(`ALTER TABLE \`${table}\` ${names.map((n) => `DROP KEY \`${n}\``).join(", ")}`);
  await fn();
  if (keys.length > 0) {
    const t0 = Date.now();
    await ds.query(`ALTER TABLE \`${table}\` ${keys.map((k) => `ADD ${k}`).join(", ")}`);
    log(`  ${table}: ${keys.length} secondary indexes built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
}

async function seed(ds: DataSource, spec: SeedSpec, specText: string, afterSeed?: (ds: DataSource) => Promise<void>): Promise<Omit<SeedResult, "dataSource">> {
  const started = Date.now();
  const endMs = Math.floor(Date.now() / 1000) * 1000;
  const spanMs = spec.spanDays * 86_400_000;
  await ds.query(`CREATE TABLE IF NOT EXISTS bench_seed (id int PRIMARY KEY, spec varchar(1024) NOT NULL, end_ms bigint NOT NULL, seconds double NOT NULL, seeded_at datetime NOT NULL)`);
  await withoutSecondaryIndexes(ds, "tasks", async () => {
    // Chunks of CHUNK rows, autocommitted, on PARALLEL connections: evaluating the generating
    // expressions costs as much CPU as the inserts, and both scale with cores.
    const chunks = spec.tenants.flatMap(({ tenant, count }, i) =>
      Array.from({ length: Math.ceil(count / CHUNK) }, (_, k) => ({ i, tenant, count, from: 1 + k * CHUNK, to: Math.min(count, (k + 1) * CHUNK) })),
    );
    const worker = async () => {
      const runner = ds.createQueryRunner();
      try {
        await runner.connect();
        await runner.query(`SET SESSION unique_checks = 0, foreign_key_checks = 0, time_zone = '+00:00'`);
        for (let c = chunks.shift(); c; c = chunks.shift()) {
          const t0 = Date.now();
          await runner.query(`INSERT INTO tasks (${COLUMNS}) ${selectRows(c.i, c.tenant, c.count, c.from, c.to, endMs, spanMs)}`);
          if (process.env.BENCH_VERBOSE) log(`  ${c.tenant}: rows ${c.from.toLocaleString("en-US")}–${c.to.toLocaleString("en-US")} in ${Date.now() - t0} ms`);
        }
      } finally {
        await runner.release();
      }
    };
    const t0 = Date.now();
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    log(`  tasks: rows inserted in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });
  if (afterSeed) {
    const t0 = Date.now();
    await afterSeed(ds);
    log(`  derived tables filled in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  for (const t of await tableNames(ds)) if (t === "tasks" || t === "task_labels") await ds.query(`ANALYZE TABLE \`${t}\``);
  const seconds = (Date.now() - started) / 1000;
  await ds.query(`INSERT INTO bench_seed (id, spec, end_ms, seconds, seeded_at) VALUES (1, ?, ?, ?, NOW())`, [specText, endMs, seconds]);
  log(`seeded ${spec.tenants.map((t) => `${t.count.toLocaleString("en-US")} tasks of tenant '${t.tenant}'`).join(" + ")} in ${seconds.toFixed(1)} s`);
  return { seeded: true, seconds, endMs };
}
