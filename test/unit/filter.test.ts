import { describe, it, expect } from "vitest";
import { InvalidArgumentError } from "../../src/domain/errors.js";
import { compileFilter, parseFilter, DEFAULT_FILTER_LIMITS } from "../../src/tasks/filter/index.js";
import type { CompileFilterOptions } from "../../src/tasks/filter/index.js";

/** Runs compileFilter expecting an InvalidArgumentError on field "filter"; returns its message. */
function errorOf(filter: string, options?: CompileFilterOptions): string {
  try {
    compileFilter(filter, options);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).field).toBe("filter");
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(filter)} to be rejected`);
}

const COLUMNS =
  "id|name|type|project|queue|status|priority|created_by|parent_id|comment|attempt|archived|" +
  "create_time|update_time|start_time|end_time|queue_time|progress_percent|tags|labels";
const KEYWORDS =
  "AND|OR|NOT|IS|TRUE|NULL|LIKE|ESCAPE|JSON_CONTAINS_PATH|JSON_CONTAINS|JSON_QUOTE|JSON_UNQUOTE|JSON_EXTRACT|JSON_LENGTH";
/** Everything the compiler may write: whitelisted columns, keywords, `?`, two fixed literals, punctuation. */
const SAFE_SQL = new RegExp(
  `^(?:\\s+|t\\.(?:${COLUMNS})\\b|(?:${KEYWORDS})\\b|'one'|'!'|\\?|<=>|<=|>=|<>|[=<>(),])*$`,
);

function expectSafe(sql: string, params: unknown[]): void {
  expect(sql).toMatch(SAFE_SQL);
  expect(sql.split("?").length - 1).toBe(params.length);
  let depth = 0;
  for (const ch of sql) {
    depth += ch === "(" ? 1 : ch === ")" ? -1 : 0;
    expect(depth).toBeGreaterThanOrEqual(0);
  }
  expect(depth).toBe(0);
}

describe("compileFilter: valid filters", () => {
  it("returns TRUE with no params for an empty or blank filter", () => {
    expect(compileFilter("")).toEqual({ sql: "TRUE", params: [] });
    expect(compileFilter(" \t\n ")).toEqual({ sql: "TRUE", params: [] });
  });

  it("compiles each comparator on a string field", () => {
    expect(compileFilter('name = "a"')).toEqual({ sql: "t.name = ?", params: ["a"] });
    expect(compileFilter("name != a")).toEqual({ sql: "NOT (t.name <=> ?)", params: ["a"] });
    expect(compileFilter("id < x")).toEqual({ sql: "t.id < ?", params: ["x"] });
    expect(compileFilter("id <= x")).toEqual({ sql: "t.id <= ?", params: ["x"] });
    expect(compileFilter("id > x")).toEqual({ sql: "t.id > ?", params: ["x"] });
    expect(compileFilter("id >= x")).toEqual({ sql: "t.id >= ?", params: ["x"] });
  });

  it("maps every whitelisted field to its column", () => {
    const cases: Array<[string, string]> = [
      ["type = video.analyze", "t.type = ?"],
      ["project = p1", "t.project = ?"],
      ["queue = default", "t.queue = ?"],
      ["created_by = alice", "t.created_by = ?"],
      ["parent_id = abc", "t.parent_id = ?"],
      ["comment = hi", "t.comment = ?"],
      ["attempt >= 2", "t.attempt >= ?"],
      ["progress.percent > 12.5", "t.progress_percent > ?"],
      ["update_time < 2024-01-01T00:00:00Z", "t.update_time < ?"],
      ["start_time < 2024-01-01T00:00:00Z", "t.start_time < ?"],
      ["end_time < 2024-01-01T00:00:00Z", "t.end_time < ?"],
      ["queue_time < 2024-01-01T00:00:00Z", "t.queue_time < ?"],
    ];
    for (const [filter, sql] of cases) expect(compileFilter(filter).sql).toBe(sql);
  });

  it("accepts operators without surrounding whitespace and hyphenated words", () => {
    expect(compileFilter("type=video-analyze")).toEqual({ sql: "t.type = ?", params: ["video-analyze"] });
  });

  it("parses priority as an integer and progress.percent as a number", () => {
    expect(compileFilter("priority >= 50").params).toEqual([50]);
    expect(compileFilter("progress.percent <= 99.5").params).toEqual([99.5]);
    expect(compileFilter("progress.percent > -1").params).toEqual([-1]);
  });

  it("accepts booleans in any case", () => {
    expect(compileFilter("archived = true")).toEqual({ sql: "t.archived = ?", params: [true] });
    expect(compileFilter("archived != FALSE")).toEqual({ sql: "NOT (t.archived <=> ?)", params: [false] });
  });

  it("accepts status short names and TASK_STATUS_ names in any case, storing the short upper-case name", () => {
    expect(compileFilter("status = RUNNING").params).toEqual(["RUNNING"]);
    expect(compileFilter("status = TASK_STATUS_RUNNING").params).toEqual(["RUNNING"]);
    expect(compileFilter("status = task_status_completed_with_errors").params).toEqual(["COMPLETED_WITH_ERRORS"]);
    expect(compileFilter('status != "queued"')).toEqual({ sql: "NOT (t.status <=> ?)", params: ["QUEUED"] });
  });

  it("turns `:` on a string field into an escaped substring LIKE", () => {
    expect(compileFilter('name:"50%_off!"')).toEqual({
      sql: "t.name LIKE ? ESCAPE '!'",
      params: ["%50!%!_off!!%"],
    });
  });

  it("turns `*` in an = value into a LIKE wildcard with % and _ escaped", () => {
    expect(compileFilter('name = "vid*"')).toEqual({ sql: "t.name LIKE ? ESCAPE '!'", params: ["vid%"] });
    expect(compileFilter("name = *_1%*")).toEqual({ sql: "t.name LIKE ? ESCAPE '!'", params: ["%!_1!%%"] });
    expect(compileFilter('name != "a*"')).toEqual({ sql: "(t.name LIKE ? ESCAPE '!') IS NOT TRUE", params: ["a%"] });
  });

  it("treats an escaped \\* as a literal star", () => {
    expect(compileFilter('name = "5\\*"')).toEqual({ sql: "t.name = ?", params: ["5*"] });
  });

  it("compiles tags:value with JSON_CONTAINS", () => {
    expect(compileFilter("tags:gpu")).toEqual({ sql: "JSON_CONTAINS(t.tags, JSON_QUOTE(?))", params: ["gpu"] });
  });

  it("compiles labels.<key> comparisons with the JSON path as a parameter", () => {
    expect(compileFilter('labels.asset = "a1"')).toEqual({
      sql: "JSON_UNQUOTE(JSON_EXTRACT(t.labels, ?)) = ?",
      params: ['$."asset"', "a1"],
    });
    expect(compileFilter("labels.product.version != 3")).toEqual({
      sql: "NOT (JSON_UNQUOTE(JSON_EXTRACT(t.labels, ?)) <=> ?)",
      params: ['$."product.version"', "3"],
    });
    expect(compileFilter("labels.env:prod").params).toEqual(['$."env"', "%prod%"]);
  });

  it("compiles labels:key and labels.key:* as key presence", () => {
    expect(compileFilter("labels:env")).toEqual({ sql: "JSON_CONTAINS_PATH(t.labels, 'one', ?)", params: ['$."env"'] });
    expect(compileFilter("labels.env:*")).toEqual({ sql: "JSON_CONTAINS_PATH(t.labels, 'one', ?)", params: ['$."env"'] });
  });

  it("compiles field:* as 'is set'", () => {
    expect(compileFilter("parent_id:*")).toEqual({ sql: "t.parent_id <> ?", params: [""] });
    expect(compileFilter("end_time:*")).toEqual({ sql: "t.end_time IS NOT NULL", params: [] });
    expect(compileFilter("tags:*")).toEqual({ sql: "JSON_LENGTH(t.tags) > ?", params: [0] });
  });
});

describe("compileFilter: RFC 3339 timestamps", () => {
  it("passes times as Dates, honouring the offset", () => {
    const { sql, params } = compileFilter("create_time >= 2024-05-01T10:00:00+02:00");
    expect(sql).toBe("t.create_time >= ?");
    expect(params[0]).toBeInstanceOf(Date);
    expect((params[0] as Date).toISOString()).toBe("2024-05-01T08:00:00.000Z");
  });

  it("accepts quoted times, fractions and lower-case t/z", () => {
    const { params } = compileFilter('create_time < "2024-02-29t23:59:59.123456z" AND end_time > 0099-01-01T00:00:00Z');
    expect((params[0] as Date).toISOString()).toBe("2024-02-29T23:59:59.123Z");
    expect((params[1] as Date).toISOString()).toBe("0099-01-01T00:00:00.000Z");
  });

  it("rejects invalid timestamps naming the field", () => {
    for (const bad of ["2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", '"2024-01-01"', "yesterday", '"2024-01-01T24:00:00Z"', "2024-01-01T00:00:60Z"]) {
      const message = errorOf(`create_time > ${bad}`);
      expect(message).toContain("'create_time'");
      expect(message).toContain("RFC 3339");
    }
  });

  it("rejects : on time fields", () => {
    expect(errorOf("create_time:2024")).toMatch(/operator ':' at position 12 is not supported on field 'create_time'/);
  });
});

describe("compileFilter: precedence and boolean structure", () => {
  it("binds OR tighter than AND (AIP-160): a AND b OR c = a AND (b OR c)", () => {
    expect(compileFilter("name = a AND name = b OR name = c").sql).toBe("(t.name = ? AND (t.name = ? OR t.name = ?))");
    expect(compileFilter("name = a OR name = b AND name = c").sql).toBe("((t.name = ? OR t.name = ?) AND t.name = ?)");
  });

  it("treats juxtaposition as AND, still below OR", () => {
    expect(compileFilter("name = a name = b OR name = c").sql).toBe("(t.name = ? AND (t.name = ? OR t.name = ?))");
  });

  it("keeps parameters in the order of the placeholders", () => {
    expect(compileFilter("(name = a OR queue = b) project = c AND labels.k = d").params).toEqual(["a", "b", "c", '$."k"', "d"]);
  });

  it("honours parentheses and flattens redundant ones", () => {
    expect(compileFilter("(name = a AND name = b) OR name = c").sql).toBe("((t.name = ? AND t.name = ?) OR t.name = ?)");
    expect(compileFilter("((((name = a))))").sql).toBe("t.name = ?");
  });

  it("compiles NOT and the - prefix as null-safe negation", () => {
    expect(compileFilter("NOT name = a").sql).toBe("(t.name = ?) IS NOT TRUE");
    expect(compileFilter("-tags:gpu").sql).toBe("(JSON_CONTAINS(t.tags, JSON_QUOTE(?))) IS NOT TRUE");
    expect(compileFilter("NOT (name = a OR name = b)").sql).toBe("((t.name = ? OR t.name = ?)) IS NOT TRUE");
  });

  it("reads -5 after a comparator as a negative value, not a negation", () => {
    expect(compileFilter("progress.percent = -5")).toEqual({ sql: "t.progress_percent = ?", params: [-5] });
  });

  it("always parenthesises a top-level OR so it cannot widen an outer AND", () => {
    expect(compileFilter("name = a OR name = b").sql).toMatch(/^\(.*\)$/);
  });
});

describe("compileFilter: hostile values stay in params", () => {
  const hostile = [
    "x' OR 1=1 --",
    'x" OR "1"="1',
    "a; DROP TABLE tasks; --",
    "/* comment */ OR 1=1",
    "# comment\nOR 1=1",
    "\\'; SELECT SLEEP(10); --",
    "`t`.`id`",
    "\u0000\u001a\b",
    "t.status) OR (1=1",
  ];

  for (const value of hostile) {
    it(`keeps ${JSON.stringify(value)} out of the SQL text`, () => {
      const quoted = `"${value.replace(/[\\"*]/g, "\\$&")}"`;
      const { sql, params } = compileFilter(`name = ${quoted} OR labels.k = ${quoted} OR tags:${quoted} OR comment:${quoted}`);
      expectSafe(sql, params);
      expect(params).toEqual([value, '$."k"', value, value, `%${value.replace(/[!%_]/g, "!$&")}%`]);
    });
  }

  it("keeps unquoted SQL punctuation in a bare word out of the SQL text", () => {
    const { sql, params } = compileFilter("name = x;DROP--#/+`");
    expect(sql).toBe("t.name = ?");
    expect(params).toEqual(["x;DROP--#/+`"]);
  });

  it("accepts single-quoted strings with escapes", () => {
    expect(compileFilter("comment = 'it\\'s \"fine\"\\n'").params).toEqual(["it's \"fine\"\n"]);
  });

  it("handles unicode values and reports unicode fields as unknown", () => {
    expect(compileFilter("name = \"名前 😀 ünïcödé\"").params).toEqual(["名前 😀 ünïcödé"]);
    expect(compileFilter("name:日本").params).toEqual(["%日本%"]);
    expect(errorOf("名前 = x")).toMatch(/unknown field '名前' at position 1/);
  });

  it("counts positions in code points, not UTF-16 units", () => {
    expect(errorOf('name = "😀😀" )')).toBe("filter: unexpected ')' at position 13");
  });
});

describe("compileFilter: errors", () => {
  it("names the offending token and its 1-based position", () => {
    expect(errorOf("priority > 5 )")).toBe("filter: unexpected ')' at position 14");
    expect(errorOf("name = a AND")).toMatch(/unexpected end of filter at position 13/);
    expect(errorOf("(name = a")).toMatch(/expected '\)' to close '\(' at position 1, found end of filter/);
    expect(errorOf("name = a OR OR name = b")).toMatch(/unexpected 'OR' at position 13/);
    expect(errorOf("()")).toMatch(/unexpected '\)' at position 2/);
  });

  it("rejects unknown fields, listing the allowed ones", () => {
    const message = errorOf("password = x");
    expect(message).toMatch(/unknown field 'password' at position 1; allowed fields: id, name, .*labels\.<key>/);
  });

  it("never resolves prototype property names as fields", () => {
    for (const field of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      expect(errorOf(`${field} = x`)).toContain(`unknown field '${field}'`);
    }
  });

  it("rejects bad operators", () => {
    expect(errorOf("name == a")).toBe("filter: expected a value after '=', found '=' at position 7");
    expect(errorOf("name ! a")).toBe("filter: unexpected '!' at position 6; did you mean '!='?");
    expect(errorOf("name => a")).toMatch(/found '>' at position 7/);
    expect(errorOf("name <> a")).toMatch(/found '>' at position 7/);
    expect(errorOf("name ~ a")).toMatch(/expected a comparator .* found '~' at position 6/);
    expect(errorOf("status > RUNNING")).toMatch(/operator '>' at position 8 is not supported on field 'status'; use = !=/);
    expect(errorOf("tags = gpu")).toMatch(/operator '=' .* field 'tags'; use :/);
    expect(errorOf("labels = x")).toMatch(/field 'labels'; use :/);
    expect(errorOf("priority:5")).toMatch(/operator ':'/);
    expect(errorOf("name < a*")).toMatch(/wildcard '\*' at position 8 needs/);
  });

  it("rejects a field with no comparator or no value", () => {
    expect(errorOf("name")).toMatch(/expected a comparator .* after field 'name', found end of filter at position 5/);
    expect(errorOf("name =")).toMatch(/expected a value after '=', found end of filter at position 7/);
    expect(errorOf("name = (a)")).toMatch(/expected a value after '=', found '\(' at position 8/);
    expect(errorOf('"name" = a')).toMatch(/unexpected '"name"' at position 1/);
  });

  it("rejects unknown statuses with the valid list", () => {
    expect(errorOf("status = RUNNIN")).toBe(
      "filter: invalid value 'RUNNIN' for field 'status' at position 10; expected one of PENDING, QUEUED, RUNNING, " +
        "CANCELLING, COMPLETED, COMPLETED_WITH_ERRORS, FAILED, CANCELLED (optionally prefixed TASK_STATUS_)",
    );
    expect(errorOf("status = TASK_STATUS_UNSPECIFIED")).toContain("'TASK_STATUS_UNSPECIFIED'");
    // Unicode case-folding must not smuggle a near-miss in ("ı".toUpperCase() === "I").
    expect(errorOf("status = runnıng")).toContain("'runnıng'");
  });

  it("rejects out-of-range and malformed numbers and booleans", () => {
    expect(errorOf("priority = 101")).toMatch(/invalid value '101' for field 'priority' at position 12; expected an integer from 0 to 100/);
    expect(errorOf("priority = -1")).toMatch(/'-1' for field 'priority'/);
    expect(errorOf("priority = 1.5")).toMatch(/'1.5'/);
    expect(errorOf("attempt = 99999999999999999999")).toMatch(/field 'attempt'/);
    expect(errorOf("progress.percent = NaN")).toMatch(/expected a number/);
    expect(errorOf("progress.percent = 1e999")).toMatch(/expected a number/);
    expect(errorOf("archived = yes")).toMatch(/expected true or false/);
  });

  it("rejects malformed strings", () => {
    expect(errorOf('name = "abc')).toBe("filter: unterminated string starting at position 8");
    expect(errorOf("name = 'abc\\")).toBe("filter: unterminated string starting at position 8");
    expect(errorOf('name = "a\\qb"')).toBe("filter: invalid escape '\\q' at position 10");
  });

  it("requires - to touch the restriction it negates", () => {
    expect(errorOf("- name = a")).toMatch(/unexpected '-' at position 1/);
    expect(errorOf("name = - a")).toMatch(/expected a value after '=', found '-' at position 8/);
  });

  it("shortens long tokens and escapes control characters in messages", () => {
    const message = errorOf(`${"x".repeat(300)}\u0007 = 1`);
    expect(message).toContain("…'");
    expect(errorOf("a\u0007b = 1")).toContain("unknown field 'a\\u0007b'");
  });
});

describe("compileFilter: label key injection", () => {
  it("rejects keys outside [A-Za-z0-9_.-]{1,63}", () => {
    expect(errorOf("labels.$ = x")).toMatch(/invalid label key '\$' at position 1/);
    expect(errorOf("labels.a$b = x")).toMatch(/invalid label key 'a\$b'/);
    expect(errorOf("labels. = x")).toMatch(/invalid label key ''/);
    expect(errorOf(`labels.${"k".repeat(64)} = x`)).toMatch(/invalid label key/);
    expect(errorOf("labels.a\\b = x")).toMatch(/invalid label key/);
    expect(errorOf('labels:"a\\"b"')).toMatch(/invalid label key 'a"b' at position 8/);
    expect(errorOf('labels:"$.x"')).toMatch(/invalid label key/);
    expect(errorOf("labels:env*")).toMatch(/invalid label key/);
  });

  it("cannot close the quoted path from a field name", () => {
    // The lexer ends the word at the quote, leaving an unterminated string.
    expect(errorOf('labels.a"b = x')).toMatch(/unterminated string starting at position 9/);
    expect(errorOf('labels.a" OR 1=1 -- " = x')).toMatch(/filter: /);
  });

  it("accepts the longest allowed key", () => {
    const key = "K".repeat(63);
    expect(compileFilter(`labels.${key} = v`).params).toEqual([`$."${key}"`, "v"]);
  });
});

describe("compileFilter: limits", () => {
  it("has the documented defaults", () => {
    expect(DEFAULT_FILTER_LIMITS).toEqual({ maxLength: 2000, maxDepth: 32, maxTerms: 100, maxLiteralLength: 512 });
  });

  it("rejects filters longer than maxLength", () => {
    expect(errorOf(`name = "${"a".repeat(1993)}"`)).toBe("filter: is longer than the limit of 2000 characters");
    expect(() => compileFilter(`name = "${"a".repeat(500)}"`, { maxLength: 2000 })).not.toThrow();
    expect(errorOf("name = abc", { maxLength: 5 })).toMatch(/limit of 5/);
  });

  it("counts maxLength in code points", () => {
    expect(compileFilter(`name = "${"😀".repeat(500)}"`, { maxLength: 510 }).params).toEqual(["😀".repeat(500)]);
  });

  it("gives a clean depth error for 10k-deep parentheses instead of a stack overflow", () => {
    const deep = `${"(".repeat(10_000)}name = a${")".repeat(10_000)}`;
    expect(errorOf(deep, { maxLength: 100_000 })).toBe("filter: parentheses nested deeper than 32 at position 33");
    expect(errorOf(deep)).toMatch(/longer than the limit/);
    expect(errorOf(`${"NOT (".repeat(10_000)}name = a`, { maxLength: 100_000 })).toMatch(/nested deeper than 32/);
    expect(errorOf("(".repeat(10_000), { maxLength: 100_000 })).toMatch(/nested deeper than 32/);
  });

  it("accepts nesting up to maxDepth", () => {
    expect(compileFilter(`${"(".repeat(32)}name = a${")".repeat(32)}`).sql).toBe("t.name = ?");
    expect(errorOf(`${"(".repeat(33)}name = a${")".repeat(33)}`)).toMatch(/deeper than 32 at position 33/);
  });

  it("limits the number of terms", () => {
    const terms = (n: number) => Array.from({ length: n }, (_, i) => `name = v${i}`).join(" OR ");
    expect(compileFilter(terms(100)).params).toHaveLength(100);
    expect(errorOf(terms(101))).toBe(`filter: more than 100 terms; term 'name' at position ${terms(100).length + 5}`);
  });

  it("rejects huge literals, quoted or bare", () => {
    expect(errorOf(`name = "${"a".repeat(513)}"`)).toBe("filter: literal at position 8 is longer than 512 characters");
    expect(errorOf(`name = ${"a".repeat(513)}`)).toBe("filter: literal at position 8 is longer than 512 characters");
    expect(compileFilter(`name = "${"a".repeat(512)}"`).params).toEqual(["a".repeat(512)]);
    expect(errorOf(`name = "${"a".repeat(1_000_000)}"`, { maxLength: Infinity })).toMatch(/literal at position 8/);
  });
});

describe("parseFilter", () => {
  it("builds the AST with positions", () => {
    expect(parseFilter("-name:x", DEFAULT_FILTER_LIMITS)).toEqual({
      kind: "not",
      child: {
        kind: "restriction",
        field: "name",
        fieldPosition: 2,
        op: ":",
        opPosition: 6,
        value: { text: "x", segments: ["x"], quoted: false, position: 7 },
      },
    });
  });
});

/** Deterministic PRNG (mulberry32) so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("compileFilter: randomised hostile input", () => {
  const pieces = [
    "'", '"', "\\", ";", "--", "#", "/*", "*/", "*", "(", ")", "=", "!=", "<", ">", "<=", ">=", ":", "!", "-",
    ".", "%", "_", " ", " ", " ", "\t", "\n", "\u0000", "`", "$", "AND", "OR", "NOT", "1=1", "DROP TABLE t",
    "name", "status", "labels.", "labels", "tags", "priority", "create_time", "RUNNING", "x", "é", "😀", "\ud800",
    "2024-01-01T00:00:00Z", "t.id", "?", "SLEEP(1)", "UNION SELECT", ",",
  ];
  const heads = [
    "name = ", "name:", "comment != ", "id >= ", "labels.k = ", "labels.k:", "labels:", "tags:", "status = ",
    "priority > ", "archived = ", "progress.percent <= ", "create_time < ", "parent_id:", "labels.$ = ", "nope = ",
  ];
  const pick = <T>(next: () => number, list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const soup = (next: () => number, max: number) =>
    Array.from({ length: Math.floor(next() * max) }, () => pick(next, pieces)).join("");
  const quoteValue = (value: string) => `"${value.replace(/[\\"*]/g, "\\$&")}"`;

  /** SQL-safety failures of `filter`, or [] when it is rejected cleanly or compiles to whitelisted SQL. */
  function check(filter: string): { compiled: boolean; failure?: string } {
    let result;
    try {
      result = compileFilter(filter, { maxLength: 10_000 });
    } catch (error) {
      return error instanceof InvalidArgumentError && error.field === "filter"
        ? { compiled: false }
        : { compiled: false, failure: `${JSON.stringify(filter)} threw ${String(error)}` };
    }
    const placeholders = result.sql.split("?").length - 1;
    return SAFE_SQL.test(result.sql) && placeholders === result.params.length
      ? { compiled: true }
      : { compiled: true, failure: `${JSON.stringify(filter)} → ${result.sql}` };
  }

  it("either throws InvalidArgumentError or emits only whitelisted SQL, for character soup", () => {
    const next = random(160);
    const failures: string[] = [];
    for (let n = 0; n < 3000; n++) {
      const { failure } = check(soup(next, 16) || "x");
      if (failure) failures.push(failure);
    }
    expect(failures).toEqual([]);
  });

  it("either throws InvalidArgumentError or emits only whitelisted SQL, for soup in filter-shaped terms", () => {
    const next = random(132);
    const failures: string[] = [];
    let compiled = 0;
    for (let n = 0; n < 3000; n++) {
      const terms = Array.from({ length: 1 + Math.floor(next() * 4) }, () => {
        const raw = soup(next, 6);
        const value = next() < 0.5 ? quoteValue(raw) : raw.replace(/\s/g, "") || "x";
        return `${pick(next, ["", "", "NOT ", "-", "("])}${pick(next, heads)}${value}`;
      });
      const filter = terms.join(pick(next, [" ", " AND ", " OR ", ") ", " ( "]));
      const result = check(filter);
      if (result.failure) failures.push(result.failure);
      if (result.compiled) compiled += 1;
    }
    expect(failures).toEqual([]);
    expect(compiled).toBeGreaterThan(200); // the property is exercised on real SQL, not only on errors
  });

  it("keeps random hostile values verbatim in params inside random valid structures", () => {
    const next = random(193);
    const fields = ["name", "comment", "labels.k", "project", "tags"];
    const ops = ["=", "!=", ":"];
    const failures: string[] = [];
    for (let n = 0; n < 1000; n++) {
      const expected: string[] = [];
      const terms = Array.from({ length: 1 + Math.floor(next() * 5) }, () => {
        const value = soup(next, 8);
        const field = pick(next, fields);
        const op = field === "tags" ? ":" : pick(next, ops);
        expected.push(value);
        return `${pick(next, ["", "NOT ", "-"])}(${field} ${op} ${quoteValue(value)})`;
      });
      const filter = terms.reduce((acc, term) => `${acc} ${pick(next, ["AND", "OR", ""])} ${term}`);
      const { sql, params } = compileFilter(filter, { maxLength: 10_000 });
      if (!SAFE_SQL.test(sql) || sql.split("?").length - 1 !== params.length) failures.push(`${filter} → ${sql}`);
      for (const value of expected) {
        const likePattern = `%${value.replace(/[!%_]/g, "!$&")}%`;
        if (!params.includes(value) && !params.includes(likePattern)) failures.push(`${filter}: lost ${JSON.stringify(value)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
