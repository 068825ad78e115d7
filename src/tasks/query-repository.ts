/**
 * Reads of many tasks: ListTasks pages and total_size, the ids a batch-by-filter selects, and
 * GetTaskFilterOptions' facets. Every user value is a bound parameter; every statement is scoped
 * by tenant (and, for include_public, by visibility — scope.ts). Plans at 1,000,000 tasks are
 * measured by `npm run bench:list`.
 */
import type { EntityManager, SelectQueryBuilder } from "typeorm";
import { TaskEntity, type TaskRow } from "../infra/db/entities.js";
import { dbCall } from "../infra/db/errors.js";
import type { SqlFragment } from "./filter/index.js";
import { rowToTask } from "./mapping.js";
import { TaskRepository } from "./repository.js";
import { SCOPES, scopeOf, type Scope } from "./scope.js";
import { keysetIndex, LABEL_EQUALS_OR_PLACEHOLDER, LABEL_PATH, labelValueKey, likePattern, planSelection, type SelectionPlan } from "./selection-plan.js";
import type { TaskStatus } from "./status.js";
import type { Task } from "./types.js";

export interface TimeBounds {
  start?: Date;
  end?: Date;
}

/** Every way ListTasks and the batch RPCs select tasks; all conditions AND together. */
export interface TaskSelection {
  tenant: string;
  project?: string;
  type?: string;
  statuses?: readonly TaskStatus[];
  queue?: string;
  createdBy?: string;
  /** Tags that must be present / absent. */
  tags?: { include: readonly string[]; exclude: readonly string[] };
  labels?: Readonly<Record<string, string>>;
  parentId?: string;
  createTime?: TimeBounds;
  startTime?: TimeBounds;
  endTime?: TimeBounds;
  /** Free text over name, comment and label values (case-insensitive substring). */
  search?: string;
  /** Compiled AIP-160 filter (`?` placeholders, alias `t`). */
  filter?: SqlFragment;
  includeArchived: boolean;
  /** Also other tenants' PUBLIC tasks (read paths only). */
  includePublic?: boolean;
}

/** Sortable columns (the `order_by` whitelist) → SQL. */
export const ORDER_COLUMNS = {
  create_time: "t.create_time",
  update_time: "t.update_time",
  start_time: "t.start_time",
  end_time: "t.end_time",
  priority: "t.priority",
  name: "t.name",
  status: "t.status",
  project: "t.project",
  type: "t.type",
  progress_percent: "t.progress_percent",
} as const;
export type OrderColumn = keyof typeof ORDER_COLUMNS;
export interface OrderTerm {
  column: OrderColumn;
  desc: boolean;
}
export const DEFAULT_ORDER: readonly OrderTerm[] = [{ column: "create_time", desc: true }];

export interface TaskListQuery extends TaskSelection {
  order: readonly OrderTerm[];
  /** Keyset cursor for the default order: rows strictly older than this (create_time desc, id desc). */
  after?: { createTime: Date; id: string };
  offset?: number;
  limit: number;
}

export interface FacetValue {
  value: string;
  count: number;
}

export interface Facets {
  projects: FacetValue[];
  types: FacetValue[];
  queues: FacetValue[];
  createdBy: FacetValue[];
  statuses: FacetValue[];
  tags: FacetValue[];
  labels: Array<{ key: string; values: FacetValue[] }>;
}

export class TaskQueryRepository {
  constructor(private readonly manager: EntityManager) {}

  /**
   * One page and total_size. Plans at 1,000,000 tasks are measured by `npm run bench:list`:
   * - first page: the optimizer walks the list index of the equality filters in create_time order;
   * - keyset page: the cursor adds the sargable `create_time <= :ct` to the OR form, and the ids
   *   of the page are read with FORCE INDEX (keysetIndex) — MariaDB 10.11 otherwise picks `ref`
   *   on (tenant) and reads every newer row first (≈0.3–0.9 s at depth 100,000);
   * - offset page: the ids through the covering index (O(offset) index entries), then the rows;
   * - total_size: see countMatches (a FULLTEXT search counts all its matches with the page);
   * - labels and search: see planSelection (selection-plan.ts) and select.
   */
  async list(q: TaskListQuery): Promise<{ tasks: Task[]; totalSize: number }> {
    return dbCall(async () => {
      const plan = await planSelection(this.manager, q);
      if (q.includePublic) return this.listWithPublic(q, plan);
      const page = this.select(q, plan, "page");
      for (const term of q.order) page.addOrderBy(ORDER_COLUMNS[term.column], term.desc ? "DESC" : "ASC");
      page.addOrderBy("t.id", q.order[0]?.desc === false ? "ASC" : "DESC");
      if (plan.fulltext && !q.after) {
        // A FULLTEXT plan reads and sorts every candidate anyway: the exact total comes with the page.
        const rows = await page.select("t.id", "id").addSelect("COUNT(*) OVER ()", "total").limit(q.limit).offset(q.offset ?? 0).getRawMany<{ id: string; total: string | number }>();
        const totalSize = rows[0] ? Number(rows[0].total) : q.offset ? await this.countMatches(this.select(q, plan, "index")) : 0;
        return { tasks: await this.inOrder(q, rows.map((r) => r.id)), totalSize };
      }
      const totalSize = await this.countOwn(q, plan);
      if (q.after) {
        page.andWhere(AFTER_CURSOR, { ct: q.after.createTime, cid: q.after.id });
        const index = keysetIndex(q, plan);
        if (index) {
          const [sql, params] = page.select("t.id", "id").limit(q.limit).getQueryAndParameters();
          const forced = sql.replace(FROM_TASKS, `${FROM_TASKS} FORCE INDEX (\`${index}\`)`);
          if (forced === sql) throw new Error("unexpected FROM clause; cannot add the index hint");
          const ids = ((await this.manager.query(forced, params)) as Array<{ id: string }>).map((r) => r.id);
          return { tasks: await this.inOrder(q, ids), totalSize };
        }
      } else if (q.offset) {
        const ids = (await page.select("t.id", "id").limit(q.limit).offset(q.offset).getRawMany<{ id: string }>()).map((r) => r.id);
        return { tasks: await this.inOrder(q, ids), totalSize };
      }
      const rows = await page.limit(q.limit).getMany();
      return { tasks: rows.map(rowToTask), totalSize };
    });
  }

  /**
   * A page of the tenant's tasks and other tenants' PUBLIC ones. One `(own OR public)` condition
   * defeats every tenant-led index (MariaDB sort-unions and filesorts the whole tenant: 3.4 s
   * at 1M rows), so each half is read in index order on its own — own tasks through the usual
   * indexes, public ones through ix_tasks_public — at most offset + limit rows each, and merged.
   * total_size is the sum of both halves' counts.
   */
  private async listWithPublic(q: TaskListQuery, plan: SelectionPlan): Promise<{ tasks: Task[]; totalSize: number }> {
    const depth = q.limit + (q.offset ?? 0);
    const lastDesc = q.order[0]?.desc !== false;
    const halves = (["own", "othersPublic"] as const).map((scope) => {
      const half = this.select(q, plan, "page", scope).select("t.id", "id");
      q.order.forEach((term, i) => {
        half.addSelect(ORDER_COLUMNS[term.column], `o${i}`).addOrderBy(ORDER_COLUMNS[term.column], term.desc ? "DESC" : "ASC");
      });
      half.addOrderBy("t.id", lastDesc ? "DESC" : "ASC");
      if (q.after) {
        half.andWhere(AFTER_CURSOR, { ct: q.after.createTime, cid: q.after.id });
      }
      return half.limit(depth).getQueryAndParameters();
    });
    const order = [...q.order.map((term, i) => `u.o${i} ${term.desc ? "DESC" : "ASC"}`), `u.id ${lastDesc ? "DESC" : "ASC"}`].join(", ");
    const rows = (await this.manager.query(
      `SELECT u.id FROM ((${halves[0]![0]}) UNION ALL (${halves[1]![0]})) u ORDER BY ${order} LIMIT ${q.limit} OFFSET ${q.offset ?? 0}`,
      [...halves[0]![1], ...halves[1]![1]],
    )) as Array<{ id: string }>;
    const counts = await Promise.all([
      this.countOwn({ ...q, includePublic: false }, plan),
      this.countMatches(this.select(q, plan, "index", "othersPublic")),
    ]);
    const totalSize = counts[0] + counts[1];
    return { tasks: await this.inOrder(q, rows.map((r) => r.id)), totalSize };
  }

  /** total_size of the selection (without another tenant's public tasks); see the two counts below. */
  private countOwn(q: TaskSelection, plan: SelectionPlan): Promise<number> {
    return plan.fulltext === null ? this.countByWindow(q, plan) : this.countMatches(this.select(q, plan, "index"));
  }

  /** The tasks with these ids, in this order. */
  private async inOrder(q: TaskSelection, ids: readonly string[]): Promise<Task[]> {
    const byId = new Map((await new TaskRepository(this.manager).getMany(q.tenant, ids, { includePublic: q.includePublic })).map((t) => [t.id, t]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /**
   * total_size: exact up to EXACT_TOTAL_LIMIT matches (a COUNT over at most that many + 1 rows,
   * index-only for the structured filters); above that, the optimizer's row estimate for the
   * selection (EXPLAIN — InnoDB index dives, within ~2× at 1M rows), never below
   * EXACT_TOTAL_LIMIT + 1. AIP-158 allows an estimate; an exact COUNT of a million matches costs
   * O(matches) — 0.3–1.5 s here — on every page.
   */
  private async countMatches(base: SelectQueryBuilder<TaskRow>): Promise<number> {
    const [sql, params] = base.clone().select("1", "one").limit(EXACT_TOTAL_LIMIT + 1).getQueryAndParameters();
    const [row] = (await this.manager.query(`SELECT COUNT(*) AS n FROM (${sql}) matches`, params)) as Array<{ n: string | number }>;
    const exact = Number(row?.n ?? 0);
    if (exact <= EXACT_TOTAL_LIMIT) return exact;
    const [countSql, countParams] = base.clone().select("COUNT(*)", "n").getQueryAndParameters();
    const plan = (await this.manager.query(`EXPLAIN ${countSql}`, countParams)) as ExplainRow[];
    return Math.max(EXACT_TOTAL_LIMIT + 1, estimateRows(plan));
  }

  /**
   * total_size of a search whose words are common in recent tasks (no FULLTEXT plan): the share
   * of matches among the newest SEARCH_WINDOW tasks of the rest of the selection, times that
   * selection's size — exact when the selection is no bigger than the window.
   */
  private async countByWindow(q: TaskSelection, plan: SelectionPlan): Promise<number> {
    const rest = { ...q, search: undefined };
    const [sql, params] = this.select(rest, plan, "page")
      .select("t.name", "name")
      .addSelect("t.comment", "comment")
      .addSelect("t.labels", "labels")
      .orderBy("t.create_time", "DESC")
      .addOrderBy("t.id", "DESC")
      .limit(SEARCH_WINDOW)
      .getQueryAndParameters();
    const like = likePattern(q.search ?? "");
    const [row] = (await this.manager.query(
      `SELECT COUNT(*) AS n, COALESCE(SUM(w.name LIKE ? ESCAPE '!' OR w.comment LIKE ? ESCAPE '!' OR ${labelValueLike("w", "?")}), 0) AS hits FROM (${sql}) w`,
      [like, like, like, ...params],
    )) as Array<{ n: string | number; hits: string | number }>;
    const seen = Number(row?.n ?? 0);
    const hits = Number(row?.hits ?? 0);
    if (seen < SEARCH_WINDOW) return hits;
    return Math.max(hits, Math.round((hits / seen) * (await this.countMatches(this.select(rest, plan, "index")))));
  }

  /** Ids of the tasks a selection matches, newest first, at most `limit` (+1 to detect overflow). */
  async selectIds(q: TaskSelection, limit: number): Promise<string[]> {
    const rows = await dbCall(async () =>
      this.select(q, await planSelection(this.manager, q), "page").select("t.id", "id").orderBy("t.create_time", "DESC").addOrderBy("t.id", "DESC").limit(limit).getRawMany<{ id: string }>(),
    );
    return rows.map((r) => r.id);
  }

  /** Distinct values with counts, for GetTaskFilterOptions; `labelKeys`: also those labels' values. */
  async facets(q: TaskSelection, labelKeys: readonly string[] = []): Promise<Facets> {
    return dbCall(async () => {
      // "index" tests labels through task_labels whatever the plan says: probing them is no use here.
      const base = this.select(q, await planSelection(this.manager, q, { probeLabels: false }), "index");
      const counted = (rows: Array<{ value: string; count: string }>) => rows.map((r) => ({ value: r.value, count: Number(r.count) }));
      const by = async (column: string) =>
        counted(
          await base
            .clone()
            .select(column, "value")
            .addSelect("COUNT(*)", "count")
            .groupBy(column)
            .orderBy("count", "DESC")
            .addOrderBy("value", "ASC")
            .limit(1000)
            .getRawMany<{ value: string; count: string }>(),
        );
      const [sql, params] = base.clone().select("t.id", "id").getQueryAndParameters();
      // Tags live in a JSON array: unnest them with JSON_TABLE over the same selection.
      const tags = async () =>
        counted(
          await this.manager.query(
            `SELECT jt.tag AS value, COUNT(*) AS count
               FROM (${sql}) sel
               JOIN tasks t2 ON t2.id = sel.id
               JOIN JSON_TABLE(t2.tags, '$[*]' COLUMNS (tag VARCHAR(128) PATH '$')) jt
              GROUP BY jt.tag ORDER BY count DESC, value ASC LIMIT 1000`,
            params,
          ),
        );
      // Label values through task_labels (ix_task_labels_value), joined to the same selection.
      const label = async (key: string) => ({
        key,
        values: counted(
          await this.manager.query(
            `SELECT tl.label_value AS value, COUNT(*) AS count
               FROM (${sql}) sel
               JOIN task_labels tl ON tl.task_id = sel.id AND tl.tenant = ? AND tl.label_key = ?
              GROUP BY tl.label_value ORDER BY count DESC, value ASC LIMIT 1000`,
            [...params, q.tenant, key],
          ),
        ),
      });
      const [[projects, types, queues, createdBy, statuses], tagValues, labels] = await Promise.all([
        Promise.all(["t.project", "t.type", "t.queue", "t.created_by", "t.status"].map(by)),
        tags(),
        Promise.all(labelKeys.map(label)),
      ]);
      return { projects: projects!, types: types!, queues: queues!, createdBy: createdBy!, statuses: statuses!, tags: tagValues, labels };
    });
  }

  /**
   * The WHERE of a selection (alias `t`), every user value a parameter. `use` "index": labels
   * always through task_labels (counts, facets); "page": as the plan says (pages, newest first).
   * `search`: MATCH … AGAINST with the plan's rare words, then the substring test on name,
   * comment and label values, so a result always contains the text.
   */
  private select(q: TaskSelection, plan: SelectionPlan, use: "index" | "page", scope: Scope = scopeOf(q.includePublic)): SelectQueryBuilder<TaskRow> {
    // task_labels rows are read by tenant: other tenants' public tasks take the JSON test.
    const labelTest = (key: string, value: unknown, keyParam: string, pathParam: string, valueParam: string) =>
      scope !== "own" || (use === "page" && plan.commonLabels.has(labelValueKey(key, value)))
        ? `JSON_UNQUOTE(JSON_EXTRACT(t.labels, ${pathParam})) = ${valueParam}`
        : labelEquals(keyParam, pathParam, valueParam);
    const qb = this.manager.createQueryBuilder(TaskEntity, "t").where(SCOPES[scope], { tenant: q.tenant });
    if (q.project !== undefined) qb.andWhere("t.project = :project", { project: q.project });
    if (q.type !== undefined) qb.andWhere("t.type = :type", { type: q.type });
    if (q.statuses && q.statuses.length > 0) qb.andWhere("t.status IN (:...statuses)", { statuses: q.statuses });
    if (q.queue !== undefined) qb.andWhere("t.queue = :queue", { queue: q.queue });
    if (q.createdBy !== undefined) qb.andWhere("t.created_by = :createdBy", { createdBy: q.createdBy });
    if (q.parentId !== undefined) qb.andWhere("t.parent_id = :parentId", { parentId: q.parentId });
    q.tags?.include.forEach((tag, i) => qb.andWhere(`JSON_CONTAINS(t.tags, JSON_QUOTE(:ti${i}))`, { [`ti${i}`]: tag }));
    q.tags?.exclude.forEach((tag, i) => qb.andWhere(`NOT JSON_CONTAINS(t.tags, JSON_QUOTE(:te${i}))`, { [`te${i}`]: tag }));
    Object.entries(q.labels ?? {}).forEach(([key, value], i) =>
      qb.andWhere(labelTest(key, value, `:lk${i}`, `:lp${i}`, `:lv${i}`), { [`lk${i}`]: key, [`lp${i}`]: `$."${key}"`, [`lv${i}`]: value }),
    );
    for (const [column, bounds] of [
      ["create_time", q.createTime],
      ["start_time", q.startTime],
      ["end_time", q.endTime],
    ] as const) {
      if (bounds?.start) qb.andWhere(`t.${column} >= :${column}_from`, { [`${column}_from`]: bounds.start });
      if (bounds?.end) qb.andWhere(`t.${column} < :${column}_to`, { [`${column}_to`]: bounds.end });
    }
    if (q.search) {
      if (plan.fulltext) qb.andWhere(`MATCH (t.name, t.comment, t.label_text) AGAINST (:searchFt IN BOOLEAN MODE)`, { searchFt: plan.fulltext });
      const like = likePattern(q.search);
      qb.andWhere(`(t.name LIKE :search ESCAPE '!' OR t.comment LIKE :search ESCAPE '!' OR ${labelValueLike("t", ":search")})`, { search: like });
    }
    if (!q.includeArchived) qb.andWhere("t.archived = false");
    if (q.filter) {
      // TypeORM binds named parameters only: number the fragment's `?`s (its SQL text holds no
      // user literals, so every `?` is a placeholder). `labels.<key> = "v"` — the compiler's
      // fixed text (LABEL_EQUALS_OR_PLACEHOLDER) with params (path, value) — becomes labelTest.
      let i = 0;
      const params: Record<string, unknown> = {};
      const next = () => {
        const name = `f${i}`;
        params[name] = q.filter!.params[i++];
        return name;
      };
      const sql = q.filter.sql.replace(LABEL_EQUALS_OR_PLACEHOLDER, (match) => {
        if (match === "?") return `:${next()}`;
        const path = next();
        const value = next();
        const key = LABEL_PATH.exec(String(params[path]))?.[1];
        if (key === undefined) return `JSON_UNQUOTE(JSON_EXTRACT(t.labels, :${path})) = :${value}`;
        params[`${path}k`] = key;
        return labelTest(key, params[value], `:${path}k`, `:${path}`, `:${value}`);
      });
      qb.andWhere(`(${sql})`, params);
    }
    return qb;
  }
}

/** total_size is exact up to this many matches, an estimate above (see TaskQueryRepository.countMatches). */
export const EXACT_TOTAL_LIMIT = 10_000;

interface ExplainRow {
  id: number | string | null;
  select_type: string;
  table: string | null;
  rows: number | string | null;
  filtered?: number | string | null;
}

/**
 * Rows the optimizer expects the top-level join of a plan to produce: the product of each
 * table's `rows` (× `filtered` where the server reports it — MySQL 8 does, MariaDB's plain
 * EXPLAIN does not). Only an estimate: range/ref row counts come from index dives (±~2× at 1M).
 */
function estimateRows(plan: readonly ExplainRow[]): number {
  const top = plan.filter((r) => String(r.id) === String(plan[0]?.id) && /^(SIMPLE|PRIMARY)$/.test(r.select_type));
  let rows = 1;
  for (const r of top) {
    const filtered = r.filtered === undefined || r.filtered === null ? 100 : Number(r.filtered);
    rows *= Math.max(1, Number(r.rows ?? 1)) * (Number.isFinite(filtered) ? filtered / 100 : 1);
  }
  return Math.round(rows);
}

/**
 * `labels.<key> = value` through task_labels (index ix_task_labels_value), re-checked on the
 * JSON column so the answer never depends on the side table being in step; the arguments are
 * parameter names (`:x`) for the key, its JSON path `$."key"` and the value.
 */
function labelEquals(key: string, path: string, value: string): string {
  return (
    `(t.id IN (SELECT tl.task_id FROM task_labels tl WHERE tl.tenant = :tenant AND tl.label_key = ${key} AND tl.label_value = ${value})` +
    ` AND JSON_UNQUOTE(JSON_EXTRACT(t.labels, ${path})) = ${value})`
  );
}

/**
 * Some label value of `alias`.labels is LIKE `pattern` (ESCAPE '!'), compared as the task
 * columns are (utf8mb4_unicode_ci: case- and accent-insensitive), one value at a time — so a
 * `search` treats name, comment and label values alike, and never matches across two values.
 */
function labelValueLike(alias: string, pattern: string): string {
  return (
    `EXISTS (SELECT 1 FROM JSON_TABLE(${alias}.labels, '$.*' COLUMNS (v VARCHAR(256) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci PATH '$')) jl` +
    ` WHERE jl.v LIKE ${pattern} ESCAPE '!')`
  );
}

/** Newest tasks of the selection from which total_size of a common-word search is extrapolated. */
const SEARCH_WINDOW = 1_000;
/**
 * Rows after a keyset cursor, newest first: the sargable `create_time <= :ct` lets the list index
 * range-scan; the rest breaks ties on id.
 */
const AFTER_CURSOR = "t.create_time <= :ct AND (t.create_time < :ct OR (t.create_time = :ct AND t.id < :cid))";
/** TypeORM's FROM clause for TaskEntity alias `t` (where keyset pages add their index hint). */
const FROM_TASKS = "FROM `tasks` `t`";
