/**
 * How a task selection's label and search terms are answered best (TaskQueryRepository asks
 * before it writes the SQL): through task_labels or the JSON column, through FULLTEXT or a scan,
 * and which index a keyset page must be forced onto. Decided from small probes of the data.
 */
import type { EntityManager } from "typeorm";
import type { TaskSelection } from "./query-repository.js";

export interface SelectionPlan {
  /** Every `labels.<key> = v` term of the selection (labelValueKey). */
  labelTerms: Set<string>;
  /** Label terms (labelValueKey) that pages test on the JSON column rather than through task_labels. */
  commonLabels: Set<string>;
  /** Boolean-mode FULLTEXT query for `search`; null: substring test only; undefined: no search. */
  fulltext: string | null | undefined;
}

/**
 * How a selection's label and search terms are best answered, decided from the data (each
 * probe reads at most a few thousand index entries or rows):
 * - `labels.<key> = v` (the `labels` map, and the AIP-160 term anywhere in `filter`) goes
 *   through task_labels (ix_task_labels_value, then each task by primary key), cost bounded by
 *   the value's tasks. For pages of a value more than COMMON_LABEL_ROWS tasks carry, the plain
 *   JSON test on rows read in index order is cheaper (a page after a few hundred rows), and
 *   MariaDB would otherwise read and sort every match (it picks semi-join strategies without
 *   regard to LIMIT) — those are listed in `commonLabels`.
 * - `search`: InnoDB FULLTEXT costs ~1 µs per task holding each looked-up word plus ~5 µs per
 *   candidate row (1.3 s for a word in every task), a newest-first scan ~3.5 µs per row read.
 *   So, measured on the newest SEARCH_PROBE_ROWS tasks: a text in ≥1% of them is a scan (a
 *   page within a few hundred rows; total_size from a window) — `fulltext` null; otherwise
 *   the words in <1% of them are looked up (see fulltextWords), or if there is none, those in
 *   <50% (a word in most tasks narrows nothing and costs the most); none left: a scan.
 */
export async function planSelection(manager: EntityManager, q: TaskSelection, opts: { probeLabels?: boolean } = {}): Promise<SelectionPlan> {
  const commonLabels = new Set<string>();
  const terms = new Map<string, [string, unknown]>();
  for (const [key, value] of Object.entries(q.labels ?? {})) terms.set(labelValueKey(key, value), [key, value]);
  if (q.filter) {
    let i = 0;
    for (const m of q.filter.sql.matchAll(LABEL_EQUALS_OR_PLACEHOLDER)) {
      if (m[0] === "?") {
        i++;
        continue;
      }
      const key = LABEL_PATH.exec(String(q.filter.params[i]))?.[1];
      const value = q.filter.params[i + 1];
      i += 2;
      if (key !== undefined) terms.set(labelValueKey(key, value), [key, value]);
    }
  }
  for (const [id, [key, value]] of opts.probeLabels === false ? [] : terms) {
    const [row] = (await manager.query(
      `SELECT COUNT(*) AS n FROM (SELECT 1 FROM task_labels WHERE tenant = ? AND label_key = ? AND label_value = ? LIMIT ${COMMON_LABEL_ROWS + 1}) x`,
      [q.tenant, key, value],
    )) as Array<{ n: string | number }>;
    if (Number(row?.n ?? 0) > COMMON_LABEL_ROWS) commonLabels.add(id);
  }

  const labelTerms = new Set(terms.keys());
  if (!q.search) return { labelTerms, commonLabels, fulltext: undefined };
  const words = fulltextWords(q.search);
  if (words.length === 0) return { labelTerms, commonLabels, fulltext: null };
  // How many of the newest tasks hold the whole text, and each word (label_text: the label
  // values as text). w0 is the whole text; w1… the words.
  const likes = [q.search, ...words.map((w) => w.word)].map(likePattern);
  const [counts] = (await manager.query(
    `SELECT ${likes.map((_, i) => `SUM(w.name LIKE ? ESCAPE '!' OR w.comment LIKE ? ESCAPE '!' OR w.label_text LIKE ? ESCAPE '!') AS w${i}`).join(", ")}
       FROM (SELECT t.name, t.comment, t.label_text FROM tasks t WHERE t.tenant = ? ORDER BY t.create_time DESC, t.id DESC LIMIT ${SEARCH_PROBE_ROWS}) w`,
    [...likes.flatMap((l) => [l, l, l]), q.tenant],
  )) as Array<Record<string, string | number | null>>;
  const share = (i: number) => Number(counts?.[`w${i}`] ?? 0) / SEARCH_PROBE_ROWS;
  if (share(0) >= 0.01) return { labelTerms, commonLabels, fulltext: null };
  const rare = words.filter((_, i) => share(i + 1) < 0.01);
  const useful = rare.length > 0 ? rare : words.filter((_, i) => share(i + 1) < 0.5);
  return { labelTerms, commonLabels, fulltext: useful.length > 0 ? useful.map((w) => w.term).join(" ") : null };
}

/** Newest tasks of the tenant in which planSelection measures how common each search word is. */
const SEARCH_PROBE_ROWS = 500;
/** More tasks than this with one label value: pages test the JSON column instead of going through task_labels. */
const COMMON_LABEL_ROWS = 5_000;

export function labelValueKey(key: string, value: unknown): string {
  return `${key}\u0000${String(value)}`;
}

/** What filter/compile.ts emits for `labels.<key> = "v"` (params: path, value), or any other placeholder. */
export const LABEL_EQUALS_OR_PLACEHOLDER = /JSON_UNQUOTE\(JSON_EXTRACT\(t\.labels, \?\)\) = \?|\?/g;
/** `$."key"` with a key as filter/fields.ts LABEL_KEY allows. */
export const LABEL_PATH = /^\$\."([A-Za-z0-9_.-]{1,63})"$/;

/** InnoDB FULLTEXT defaults (innodb_ft_min_token_size / innodb_ft_max_token_size), in characters. */
const FT_MIN_WORD = 3;
const FT_MAX_WORD = 84;
/** Characters that certainly end an InnoDB FULLTEXT word: ASCII space and punctuation but `_` and `'`. */
const FT_SEPARATOR = /^[\s!-&(-/:-@[-^`{-~]/;

/**
 * The words of a `search` text the FULLTEXT index can look up, each with its boolean-mode term:
 * runs of letters, digits and `_` (InnoDB's word characters) of 3–84 characters, each to be found
 * at the start of a word of name, comment or a label value — as a whole word when the text goes
 * on with a separator after it (`asset` in "asset-0123"), as a prefix otherwise. So a search
 * answered through the index finds its text where it starts at a word boundary ("crimson doc",
 * "asset-0123", "review"), not from inside a word ("rimson"); one answered by a scan (no
 * indexable word — "a3", "-" — or a text common in recent tasks, see planSelection)
 * matches anywhere. Either way every result contains the text. No operator of the boolean
 * syntax gets through: words hold none of + - < > ( ) ~ * " @.
 */
function fulltextWords(text: string): Array<{ word: string; term: string }> {
  const words = new Map<string, { word: string; term: string }>();
  for (const m of text.matchAll(/[\p{L}\p{N}_]+/gu)) {
    const length = [...m[0]].length;
    if (length < FT_MIN_WORD || length > FT_MAX_WORD) continue;
    const term = `+${m[0]}${FT_SEPARATOR.test(text.slice(m.index + m[0].length)) ? "" : "*"}`;
    words.set(term, { word: m[0], term });
  }
  return [...words.values()];
}

/** `%text%` for LIKE … ESCAPE '!'. */
export function likePattern(text: string): string {
  return `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

/**
 * The index a keyset page (default order) must use — the one whose equality prefix matches the
 * structured filters, then create_time — or undefined when a more selective access may exist
 * (labels through task_labels, FULLTEXT, parent or queue, ids or parents in `filter`, several
 * statuses: the optimizer's own choice is better there).
 */
export function keysetIndex(q: TaskSelection, plan: SelectionPlan): string | undefined {
  const statuses = q.statuses ?? [];
  if ([...plan.labelTerms].some((t) => !plan.commonLabels.has(t)) || plan.fulltext) return undefined;
  if (q.parentId !== undefined || q.queue !== undefined || statuses.length > 1) return undefined;
  if (q.filter && /\bt\.(id|parent_id|queue)\b/.test(q.filter.sql)) return undefined;
  if (q.project !== undefined) return statuses.length === 1 ? "ix_tasks_project_status_created" : "ix_tasks_project_created";
  if (statuses.length === 1) return "ix_tasks_status_created";
  if (q.type !== undefined) return "ix_tasks_type_created";
  return "ix_tasks_created";
}
