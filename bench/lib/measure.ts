/** Timing, percentiles and plan capture for the benchmarks. */
import type { DataSource, Logger, QueryRunner } from "typeorm";

export interface Timing {
  p50: number;
  p95: number;
  min: number;
  max: number;
  runs: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** Runs `fn` `warmup` times untimed, then `runs` times; milliseconds. */
export async function time(fn: () => Promise<unknown>, runs = 30, warmup = 3): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p95: percentile(ms, 95), min: ms[0]!, max: ms[ms.length - 1]!, runs };
}

export interface CapturedQuery {
  sql: string;
  params: unknown[];
}

/**
 * A TypeORM logger that records the SQL the real code sends (while `capture` runs), so the bench
 * can EXPLAIN exactly what TaskRepository generated. Installed on the DataSource in place of
 * its (silent) logger.
 */
export class SqlCapture implements Logger {
  private recording: CapturedQuery[] | undefined;

  static install(ds: DataSource): SqlCapture {
    const capture = new SqlCapture();
    (ds as { logger: Logger }).logger = capture;
    return capture;
  }

  async capture<T>(fn: () => Promise<T>): Promise<{ value: T; queries: CapturedQuery[] }> {
    const queries: CapturedQuery[] = [];
    this.recording = queries;
    try {
      return { value: await fn(), queries };
    } finally {
      this.recording = undefined;
    }
  }

  logQuery(query: string, parameters?: unknown[], _runner?: QueryRunner): void {
    this.recording?.push({ sql: query, params: parameters ?? [] });
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

export interface PlanRow {
  id: number | null;
  select_type: string;
  table: string | null;
  type: string | null;
  possible_keys: string | null;
  key: string | null;
  key_len: string | null;
  ref: string | null;
  rows: string | number | null;
  filtered?: string | number | null;
  Extra: string | null;
}

/** EXPLAIN of one captured statement. */
export async function explain(ds: DataSource, q: CapturedQuery): Promise<PlanRow[]> {
  return (await ds.query(`EXPLAIN ${q.sql}`, q.params)) as PlanRow[];
}

/** One line per plan row: `t:range(ix_tasks_created) rows≈1234 [Using where; Using filesort]`. */
export function describePlan(rows: readonly PlanRow[]): string {
  return rows
    .map((r) => {
      const extra = (r.Extra ?? "")
        .split("; ")
        .filter((e) => e && !/^Using where$/.test(e))
        .join("; ");
      const key = r.key ? `(${r.key})` : "";
      return `${r.table ?? "-"}:${r.type ?? "-"}${key} rows≈${r.rows ?? "?"}${extra ? ` [${extra}]` : ""}`;
    })
    .join(" → ");
}

export const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
