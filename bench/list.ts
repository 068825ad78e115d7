/**
 * `npm run bench:list` — ListTasks at 1,000,000 tasks.
 *
 * Starts a private MariaDB on .data/bench/mariadb (or uses BENCH_DATABASE_URL), applies the
 * migrations, seeds 1,000,000 tasks of tenant "default" + 300,000 of tenant "acme" once (cached
 * in the datadir: a second run skips seeding and only applies new migrations to the seeded
 * rows), then times the queries a UI makes through the
 * real code path — validateListTasks (the RPC's request validation and AIP-160 compilation) →
 * TaskQueryService.list → TaskQueryRepository — and prints p50/p95 per query over 30 runs, the cost of each
 * SQL statement the call sent (the total_size COUNT among them) and the EXPLAIN of each; then
 * GetTaskFilterOptions (facets) over the last day, the last week and all tasks.
 *
 * Env: BENCH_DATABASE_URL (existing server; nothing started), BENCH_DATA_DIR (private server's
 * datadir, default .data/bench/mariadb), BENCH_TASKS (default 1000000),
 * BENCH_OTHER_TASKS (300000), BENCH_RUNS (30), BENCH_BUFFER_POOL_MB (2048; private server only,
 * 0 = leave the launcher's 256 MB), BENCH_ONLY (substring of case names to run).
 */
process.env.TZ ??= "UTC";

import { create } from "@bufbuild/protobuf";
import type { DataSource } from "typeorm";
import { ListTasksRequestSchema, type ListTasksRequest } from "../src/gen/taskyard/v1/task_service_pb.js";
import { TaskStatus } from "../src/gen/taskyard/v1/task_pb.js";
import { validateListTasks } from "../src/rpc/validate.js";
import { EXACT_TOTAL_LIMIT, TaskQueryRepository } from "../src/tasks/query-repository.js";
import { TaskRepository } from "../src/tasks/repository.js";
import { keysetPageToken } from "../src/tasks/page-tokens.js";
import { TaskQueryService } from "../src/tasks/query-service.js";
import { log, serverVersion, startBenchDatabase, tunePrivateServer } from "./lib/database.js";
import { describePlan, explain, fmtMs, SqlCapture, time, type CapturedQuery } from "./lib/measure.js";
import { prepareDataset } from "./lib/seed.js";
import { afterSeed } from "./lib/derived.js";

const TASKS = Number(process.env.BENCH_TASKS ?? 1_000_000);
const OTHER_TASKS = Number(process.env.BENCH_OTHER_TASKS ?? 300_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const BUFFER_POOL_MB = Number(process.env.BENCH_BUFFER_POOL_MB ?? 2048);
const ONLY = process.env.BENCH_ONLY;
const DEPTH = 100_000;

type Req = Partial<Omit<ListTasksRequest, "$typeName">>;
interface Case {
  name: string;
  req: Req | (() => Promise<Req>);
}

async function main(): Promise<void> {
  const db = await startBenchDatabase({ dataDir: process.env.BENCH_DATA_DIR ?? ".data/bench/mariadb", database: "taskyard_bench" });
  let ds: DataSource | undefined;
  try {
    // The launcher's 256 MB pool and 48 MB redo log suit tests; a server holding 1M tasks is sized for them.
    if (db.owned) await tunePrivateServer(db.url, { bufferPoolMb: BUFFER_POOL_MB, redoLogMb: 1024 });
    ({ dataSource: ds } = await prepareDataset(db.url, { tenants: [{ tenant: "default", count: TASKS }, { tenant: "acme", count: OTHER_TASKS }], spanDays: 90 }, { owned: db.owned, afterSeed }));
    log(`server ${await serverVersion(ds)}`);
    await shareSomeTasks(ds);
    await printSizes(ds);
    await warmUp(ds);
    await run(ds);
  } finally {
    await ds?.destroy().catch(() => undefined);
    await db.stop();
  }
}

/** Other tenants' public tasks for the include_public cases: the newest PUBLIC_TASKS of "acme" (idempotent). */
const PUBLIC_TASKS = 2_000;
async function shareSomeTasks(ds: DataSource): Promise<void> {
  const [row] = (await ds.query(`SELECT COUNT(*) AS n FROM tasks WHERE visibility = 'PUBLIC'`)) as Array<{ n: string }>;
  if (Number(row!.n) >= PUBLIC_TASKS) return;
  await ds.query(`UPDATE tasks SET visibility = 'PUBLIC' WHERE tenant = 'acme' ORDER BY create_time DESC, id DESC LIMIT ${PUBLIC_TASKS}`);
  log(`made ${PUBLIC_TASKS.toLocaleString("en-US")} of acme's tasks PUBLIC`);
}

async function printSizes(ds: DataSource): Promise<void> {
  const rows = (await ds.query(
    `SELECT table_name AS t, table_rows AS n, ROUND(data_length / 1048576) AS data_mb, ROUND(index_length / 1048576) AS index_mb
       FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN ('tasks', 'task_labels') ORDER BY table_name`,
  )) as Array<{ t: string; n: string; data_mb: string; index_mb: string }>;
  for (const r of rows) log(`table ${r.t}: ~${Number(r.n).toLocaleString("en-US")} rows, data ${r.data_mb} MB, indexes ${r.index_mb} MB`);
}

/** Reads the tables once so the first timed case does not pay for a cold buffer pool. */
async function warmUp(ds: DataSource): Promise<void> {
  const t0 = Date.now();
  await ds.query(`SELECT COUNT(*) FROM tasks FORCE INDEX (PRIMARY)`);
  const indexes = (await ds.query(
    `SELECT DISTINCT index_name AS i FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'tasks' AND index_type = 'BTREE' AND index_name <> 'PRIMARY'`,
  )) as Array<{ i: string }>;
  for (const { i } of indexes) await ds.query(`SELECT COUNT(*) FROM tasks FORCE INDEX (\`${i}\`)`);
  const hasLabels = (await ds.query(`SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'task_labels'`)) as Array<{ n: string }>;
  if (Number(hasLabels[0]!.n) > 0) await ds.query(`SELECT COUNT(*) FROM task_labels`);
  log(`buffer pool warmed in ${Date.now() - t0} ms`);
}

async function run(ds: DataSource): Promise<void> {
  const capture = SqlCapture.install(ds);
  const reads = new TaskQueryService({ tasks: new TaskRepository(ds.manager), queries: new TaskQueryRepository(ds.manager) });
  const caller = { tenant: "default", principal: "bench" };
  const list = (req: Req) => reads.list(caller, validateListTasks(create(ListTasksRequestSchema, req)));

  // The position of the 100,000th task newest-first: the last task of page 5,000 (page size 20).
  const deepToken = async (extra: Req) => {
    const page = await list({ ...extra, pageSize: 20, page: DEPTH / 20 });
    const last = page.tasks[page.tasks.length - 1];
    if (!last) throw new Error(`fewer than ${DEPTH} tasks match ${JSON.stringify(extra)}`);
    return { ...extra, pageSize: 20, pageToken: keysetPageToken(last) };
  };

  const asset = "asset-012345";
  const cases: Case[] = [
    { name: "newest first (page 1)", req: {} },
    { name: "status = FAILED", req: { statuses: [TaskStatus.FAILED] } },
    { name: "status in (QUEUED, RUNNING)", req: { statuses: [TaskStatus.QUEUED, TaskStatus.RUNNING] } },
    { name: "status in (COMPLETED, FAILED)", req: { statuses: [TaskStatus.COMPLETED, TaskStatus.FAILED] } },
    { name: "project", req: { project: "project-12" } },
    { name: "project + status", req: { project: "project-12", statuses: [TaskStatus.COMPLETED] } },
    { name: "label map asset", req: { labels: { asset } } },
    { name: "label filter asset (AIP-160)", req: { filter: `labels.asset = "${asset}"` } },
    { name: "label filter product (12%)", req: { filter: `labels.product = "mood"` } },
    { name: "label + status (AIP-160)", req: { filter: `labels.product = "mood" AND status = FAILED` } },
    { name: "search asset id", req: { search: asset } },
    { name: "search two words (~0.1%)", req: { search: "crimson documentary" } },
    { name: "search one word (~4%)", req: { search: "crimson" } },
    { name: "search word in every task", req: { search: "asset" } },
    { name: "search inside a word", req: { search: "rimson" } },
    { name: "page_token depth 100k", req: () => deepToken({}) },
    { name: "page_token depth 100k + status", req: () => deepToken({ statuses: [TaskStatus.COMPLETED] }) },
    { name: "page 5,000", req: { page: DEPTH / 20, pageSize: 20 } },
    { name: "page 5,000 + status", req: { page: DEPTH / 20, pageSize: 20, statuses: [TaskStatus.COMPLETED] } },
    { name: "include_archived", req: { includeArchived: true } },
    { name: "include_public (page 1)", req: { includePublic: true } },
    { name: "include_public + status", req: { includePublic: true, statuses: [TaskStatus.FAILED] } },
    { name: "include_public page_token depth 100k", req: () => deepToken({ includePublic: true }) },
  ];

  const header = ["query", "p50 ms", "p95 ms", "rows", "total_size", "statement costs (p50 ms) and EXPLAIN"];
  console.log(`\n${header.slice(0, 5).join(" | ")} | ${header[5]}`);
  const summary: string[] = [];
  for (const c of cases) {
    if (ONLY && !c.name.includes(ONLY)) continue;
    const req = typeof c.req === "function" ? await c.req() : c.req;
    const { value: first, queries } = await capture.capture(() => list(req));
    const timing = await time(() => list(req), RUNS);
    const statements: string[] = [];
    for (const q of queries.filter((q) => /^\s*(SELECT|EXPLAIN)/i.test(q.sql))) {
      const t = await time(() => ds.query(q.sql, q.params), Math.max(5, Math.floor(RUNS / 3)), 1);
      const plan = /^\s*EXPLAIN/i.test(q.sql) ? "optimizer row estimate" : describePlan(await explain(ds, q));
      statements.push(`${label(q)} ${fmtMs(t.p50)} ms: ${plan}`);
    }
    const exact = first.totalSize > EXACT_TOTAL_LIMIT ? await exactTotal(ds, queries) : undefined;
    const total = `${first.totalSize}${exact === undefined ? "" : ` (exact ${exact})`}`;
    const line = `${c.name} | ${fmtMs(timing.p50)} | ${fmtMs(timing.p95)} | ${first.tasks.length} | ${total}`;
    console.log(`${line}\n    ${statements.join("\n    ")}`);
    summary.push(`${c.name.padEnd(34)} p50 ${fmtMs(timing.p50).padStart(7)} ms  p95 ${fmtMs(timing.p95).padStart(7)} ms  total_size ${total}`);
    if (process.env.BENCH_SQL) for (const q of queries) console.log(`    SQL: ${q.sql} -- ${JSON.stringify(q.params)}`);
  }
  await consistencyChecks(list);
  console.log(`\nsummary (${RUNS} runs each, through TaskQueryService.list):\n  ${summary.join("\n  ")}`);
  if (!ONLY || "facets".includes(ONLY)) await facets(reads, caller);
}

/** GetTaskFilterOptions (every facet with its count) over the whole tenant and over recent days. */
async function facets(reads: TaskQueryService, caller: { tenant: string; principal: string }): Promise<void> {
  const newest = await reads.list(caller, validateListTasks(create(ListTasksRequestSchema, { pageSize: 1 })));
  const end = newest.tasks[0]?.createTime ?? new Date();
  const lines: string[] = [];
  for (const days of [1, 7, undefined]) {
    const createTime = days === undefined ? undefined : { start: new Date(end.getTime() - days * 86_400_000) };
    const selection = { includeArchived: false, createTime };
    const t = await time(() => reads.filterOptions(caller, selection), Math.max(3, Math.floor(RUNS / 5)), 1);
    const f = await reads.filterOptions(caller, selection);
    const counted = f.statuses.reduce((n, s) => n + s.count, 0);
    lines.push(`${(days === undefined ? "all tasks" : `last ${days} day(s)`).padEnd(16)} p50 ${fmtMs(t.p50).padStart(7)} ms  p95 ${fmtMs(t.p95).padStart(7)} ms  tasks counted ${counted}`);
  }
  console.log(`\nGetTaskFilterOptions (facets of the tenant, by create_time window):\n  ${lines.join("\n  ")}`);
}

/**
 * The exact number of matches, for comparison with an estimated total_size: the capped COUNT (or
 * the search window) the repository sent, without its limit (undefined when it sent neither).
 */
async function exactTotal(ds: DataSource, queries: readonly CapturedQuery[]): Promise<number | undefined> {
  const window = queries.find((q) => label(q) === "[count window]");
  if (window) {
    const [row] = (await ds.query(window.sql.trim().replace(/LIMIT \d+\) w$/, ") w"), window.params)) as Array<{ hits: string }>;
    return Number(row?.hits);
  }
  const capped = queries.find((q) => /LIMIT \d+\) matches$/.test(q.sql.trim()));
  if (!capped) return undefined;
  const [row] = (await ds.query(capped.sql.trim().replace(/LIMIT \d+\) matches$/, ") matches"), capped.params)) as Array<{ n: string }>;
  return Number(row?.n);
}

/** What a captured statement does, for the report. */
function label(q: CapturedQuery): string {
  if (/^\s*EXPLAIN/i.test(q.sql)) return "[estimate]";
  if (/OVER \(\)/i.test(q.sql)) return "[ids+total]";
  if (/FROM task_labels WHERE tenant = \?/i.test(q.sql)) return "[probe labels]";
  if (/label_text LIKE/i.test(q.sql)) return "[probe search]";
  if (/AS hits FROM \(/i.test(q.sql)) return "[count window]";
  if (/COUNT\(/i.test(q.sql) && !/GROUP BY/i.test(q.sql)) return "[count]";
  if (/^\s*SELECT\s+`?t`?\.`?id`?\s+AS\s+`?id`?\s+FROM/i.test(q.sql)) return "[ids]";
  return "[page]";
}

/** The keyset walk and the offset pages must agree (same rows in the same order). */
async function consistencyChecks(list: (req: Req) => Promise<{ tasks: Array<{ id: string }>; nextPageToken: string; totalSize: number }>): Promise<void> {
  const checks: Array<[string, Req]> = [
    ["newest first", {}],
    ["status = COMPLETED", { statuses: [TaskStatus.COMPLETED] }],
    ["label filter product", { filter: `labels.product = "mood"` }],
    ["search word", { search: "crimson" }],
  ];
  for (const [name, req] of checks) {
    let token = "";
    const walked: string[] = [];
    for (let i = 0; i < 3; i++) {
      const page = await list({ ...req, pageSize: 50, pageToken: token });
      walked.push(...page.tasks.map((t) => t.id));
      token = page.nextPageToken;
    }
    const paged: string[] = [];
    for (let p = 1; p <= 3; p++) paged.push(...(await list({ ...req, pageSize: 50, page: p })).tasks.map((t) => t.id));
    const ok = walked.length === 150 && walked.join() === paged.join();
    console.log(`check ${name}: keyset walk vs pages ${ok ? "ok" : `MISMATCH (${walked.length} vs ${paged.length})`}`);
    if (!ok) process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
