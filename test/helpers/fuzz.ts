/**
 * Descriptor-driven fuzzing of the public API (test/integration/fuzz.test.ts).
 *
 * - A seeded PRNG (mulberry32); every case derives its own generator from (seed, index), so one
 *   case can be replayed alone: TASKYARD_FUZZ_SEED=<seed> and the index printed on failure.
 * - Request generators walk the protobuf-es v2 descriptors of the four services and produce a
 *   value tree with boundary values (0, -1, int32/int64 extremes, NaN/Infinity, empty and huge
 *   strings, unicode, lone surrogates, bad UTF-8), unknown enum numbers, deep Struct nesting,
 *   many map entries and long lists. The tree is encoded by hand — gRPC binary (proto wire
 *   format, written with BinaryWriter so out-of-range varints and invalid UTF-8 stay possible)
 *   and Connect JSON (where wrong JSON types and unknown fields are injected) — because the
 *   generated encoders refuse exactly the inputs worth sending.
 * - AIP-160 filter strings from random grammar tokens, for ListTasks, GetTaskFilterOptions and
 *   the Batch… RPCs.
 * - Raw-protocol cases: malformed gRPC frames and Connect bodies, wrong content types.
 *
 * No dependency beyond what the project already has (fast-check would buy shrinking, which a
 * seed + index replay mostly replaces here).
 */
import type { DescEnum, DescField, DescMessage, DescMethod, DescService } from "@bufbuild/protobuf";
import { ScalarType } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";

// ---------------------------------------------------------------------------------------------
// PRNG
// ---------------------------------------------------------------------------------------------

/** mulberry32: a tiny, fast, well-distributed 32-bit generator. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  /** The generator of case `index` under `seed`: independent of every other case. */
  static forCase(seed: number, index: number): Rng {
    return new Rng(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35));
  }
  float(): number {
    return this.next();
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  bool(p = 0.5): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  /** Picks by weight: `[[weight, value], …]`. */
  weighted<T>(choices: ReadonlyArray<readonly [number, T]>): T {
    const total = choices.reduce((s, [w]) => s + w, 0);
    let r = this.next() * total;
    for (const [w, v] of choices) {
      r -= w;
      if (r < 0) return v;
    }
    return choices[choices.length - 1]![1];
  }
  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = Math.floor(this.next() * 256);
    return b;
  }
}

// ---------------------------------------------------------------------------------------------
// Leak detection
// ---------------------------------------------------------------------------------------------

/**
 * What must never appear in an error message: SQL, driver error codes, stack frames, source
 * paths. Generated strings are scrubbed of these words (scrub) so an echo of the request
 * (e.g. "unknown field 'x'") cannot trip the check.
 */
export const LEAK_PATTERNS: ReadonlyArray<[string, RegExp]> = [
  ["SQL keyword", /\b(SELECT|INSERT|UPDATE\s+`?\w+`?\s+SET|DELETE\s+FROM|WHERE)\b/],
  ["sql", /sql/i],
  ["driver error code", /\bER_[A-Z_]+/],
  ["stack frame", /\n\s*at |^\s{4}at |    at /m],
  ["source position", /\.[cm]?[jt]s:\d+/],
  ["file path", /(?:\/work\/|\/src\/|node_modules|file:\/\/|[A-Z]:\\)/],
  ["exception name", /\b(TypeError|RangeError|ReferenceError|SyntaxError|QueryFailedError)\b/],
];

export function leakIn(message: string): string | undefined {
  for (const [name, re] of LEAK_PATTERNS) if (re.test(message)) return name;
  return undefined;
}

const SCRUB = /sql|select|insert|update|delete|where|er_|\.[cm]?[jt]s:|\bat |\/work\/|\/src\/|node_modules|file:|[A-Z]:\\|error\b/gi;
/** Removes from generated text whatever LEAK_PATTERNS would flag if the server echoed it. */
export function scrub(s: string): string {
  return s.replace(SCRUB, "x");
}

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

/** A generated field value, encodable both as proto binary and as proto JSON. */
export type V =
  | { t: "num"; v: number } // int32/uint32/sint32/fixed32/double/float (may be out of range)
  | { t: "big"; v: bigint } // 64-bit integers (may be out of range)
  | { t: "bool"; v: boolean }
  | { t: "str"; v: string }
  | { t: "bytes"; v: Uint8Array }
  /** A string field holding invalid UTF-8 (binary) / a lone surrogate (JSON). */
  | { t: "badutf8"; bytes: Uint8Array; json: string }
  | { t: "enum"; v: number; name?: string }
  | { t: "msg"; desc: DescMessage; fields: Array<[DescField, V]>; unknown?: Array<{ no: number; wire: Uint8Array; json: [string, unknown] }> }
  | { t: "list"; items: V[] }
  | { t: "map"; entries: Array<[string, V]> }
  /** google.protobuf.Struct / Value / ListValue content. */
  | { t: "json"; v: unknown }
  | { t: "time"; seconds: bigint; nanos: number; json?: string }
  | { t: "mask"; paths: string[] }
  /** A deliberately wrong JSON type (ignored in binary, where it is a wrong wire type instead). */
  | { t: "wrong"; json: unknown; wire: WireType };

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const DEMO_TYPES = ["demo.sleep", "demo.fail", "demo.partial", "demo.analyze"];
const STATUS_WORDS = ["PENDING", "QUEUED", "RUNNING", "CANCELLING", "COMPLETED", "COMPLETED_WITH_ERRORS", "FAILED", "CANCELLED", "TASK_STATUS_RUNNING", "running", "BOGUS"];
const HOSTILE = [
  "' OR 1=1 --",
  '"; DROP TABLE tasks; --',
  "\u0000",
  "a\u0000b",
  "%",
  "_",
  "\\",
  "\\\\\\",
  "*",
  "${process.env.HOME}",
  "{{7*7}}",
  "__proto__",
  "constructor",
  "prototype",
  "../../etc/passwd",
  "\r\n\r\nX-Injected: 1",
  "<script>alert(1)</script>",
  "$.\"x\"",
  "\u202e\u200b\ufeff",
  "\ud83d\udca5",
  `a${"\ud83d\udca5".repeat(40)}`,
  "\ud800",
  "\udfff",
  "a\ud800b",
  "Z\u0301\u0302\u0303\u0304",
  "日本語のテキスト",
  "\u{10ffff}",
  " ",
  "\t\n",
  "null",
  "true",
  "-1",
  "NaN",
  "1e309",
];
const BAD_UTF8: readonly number[][] = [[0xff], [0xc3, 0x28], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80], [0xfe, 0xfe, 0xff, 0xff]];

export interface GenContext {
  rng: Rng;
  /** Existing task ids in the fuzz tenant (to reach past NOT_FOUND), maybe empty. */
  taskIds: readonly string[];
  /** Remaining budget of "big" things (huge strings, long lists, deep nesting) in this case. */
  big: number;
  /** Whether an id field may name an existing task (off for WatchTask/WaitTask, which would block). */
  realIds: boolean;
}

export function randomUuid(rng: Rng): string {
  const h = (n: number) => Array.from({ length: n }, () => rng.int(0, 15).toString(16)).join("");
  return `${h(8)}-${h(4)}-${h(4)}-${h(4)}-${h(12)}`;
}

function asciiWord(rng: Rng, max = 12, alphabet = "abcdefghijklmnopqrstuvwxyz0123456789_.-"): string {
  const n = rng.int(1, max);
  let s = "";
  for (let i = 0; i < n; i++) s += alphabet[rng.int(0, alphabet.length - 1)];
  return scrub(s);
}

function unicodeString(rng: Rng, max: number): string {
  const n = rng.int(0, max);
  let s = "";
  for (let i = 0; i < n; i++) {
    s += rng.weighted<() => string>([
      [6, () => String.fromCharCode(rng.int(0x20, 0x7e))],
      [2, () => String.fromCodePoint(rng.int(0xa0, 0xd7ff))],
      [1, () => String.fromCodePoint(rng.int(0x1f300, 0x1faff))],
      [1, () => String.fromCharCode(rng.int(0, 0x1f))],
      [1, () => String.fromCharCode(rng.int(0xd800, 0xdfff))], // lone surrogate
      [1, () => String.fromCodePoint(rng.int(0xe000, 0x10ffff))],
    ])();
  }
  return scrub(s);
}

/** A string for a field, with a bias towards what that field expects. */
export function genString(ctx: GenContext, fieldName: string): string {
  const { rng } = ctx;
  const name = fieldName.toLowerCase();
  if (rng.bool(0.03) && ctx.big > 0) {
    ctx.big--;
    const size = rng.pick([257, 513, 2001, 4097, 65_537, 262_145, 300_000]);
    const unit = rng.pick(["x", "é", "💥", "a b ", "\u0000", "labels.k = \"v\" AND "]);
    return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
  }
  const generic = (): string =>
    rng.weighted<() => string>([
      [3, () => ""],
      [3, () => asciiWord(rng)],
      [3, () => unicodeString(rng, 40)],
      [3, () => rng.pick(HOSTILE)],
      [1, () => asciiWord(rng, 300)],
    ])();
  if (/(^|_)ids?$/.test(name) || name.endsWith("_id") || name === "id") {
    if (name === "worker_id") return rng.bool(0.6) ? `w-${asciiWord(rng)}` : generic();
    if (name === "id" && fieldName === "id#apikey") return rng.bool(0.5) ? Array.from({ length: 16 }, () => rng.int(0, 15).toString(16)).join("") : generic();
    return rng.weighted<() => string>([
      [4, () => randomUuid(rng)],
      [ctx.realIds && ctx.taskIds.length > 0 ? 4 : 0, () => rng.pick(ctx.taskIds)],
      [1, () => randomUuid(rng).toUpperCase()],
      [1, () => `${randomUuid(rng)} `],
      [1, () => randomUuid(rng).slice(0, rng.int(0, 35))],
      [2, generic],
    ])();
  }
  if (name === "type") return rng.weighted<() => string>([[5, () => rng.pick(DEMO_TYPES)], [2, () => `fuzz.${asciiWord(rng)}`], [2, generic]])();
  if (name === "queue" || name === "name" || name === "before_task_id" || name === "queues") {
    return rng.weighted<() => string>([[4, () => "default"], [3, () => asciiWord(rng, 20, "abcdefghijklmnopqrstuvwxyz0123456789._-")], [2, generic]])();
  }
  if (name === "filter") return genFilter(rng);
  if (name === "order_by") return genOrderBy(rng);
  if (name === "page_token") return rng.weighted<() => string>([[3, () => ""], [2, () => Buffer.from(unicodeString(rng, 30)).toString("base64url")], [1, () => Buffer.from(JSON.stringify({ v: rng.int(-5, 5), k: [randomUuid(rng)] })).toString("base64url")], [2, generic]])();
  if (name === "fairness_key") return rng.pick(["", "label:tenant", "project", "label:", "label:a b", "labels.x", asciiWord(rng)]);
  if (name === "temporal_task_queue") return rng.pick(["", "taskyard.default", "/abs", asciiWord(rng, 140)]);
  if (name === "project") return rng.weighted<() => string>([[4, () => "default"], [3, generic]])();
  if (name.endsWith("tags") || name === "tags") return rng.weighted<() => string>([[4, () => asciiWord(rng)], [1, () => `-${asciiWord(rng)}`], [2, generic]])();
  return generic();
}

/** An order_by value: whitelisted columns, directions, junk. */
function genOrderBy(rng: Rng): string {
  const cols = ["create_time", "update_time", "priority", "name", "status", "position", "secret", "1", "create_time; DROP"];
  const n = rng.int(0, 4);
  const terms = Array.from({ length: n }, () => `${rng.pick(cols)}${rng.pick(["", " desc", " asc", " DESC", " sideways", " desc desc"])}`);
  return scrub(terms.join(rng.pick([",", ", ", " ,", ",,"])));
}

// ---------------------------------------------------------------------------------------------
// AIP-160 filters
// ---------------------------------------------------------------------------------------------

const FILTER_FIELDS = [
  "id", "name", "type", "project", "queue", "status", "priority", "created_by", "parent_id", "comment", "attempt",
  "archived", "visibility", "create_time", "update_time", "start_time", "end_time", "queue_time", "progress.percent",
  "tags", "labels", "labels.asset", "labels.x", "labels.a-b.c", "labels.", "labels.a b", "labels.\"q\"", "secret",
  "constructor", "__proto__", "t.id", "status.name", "progress",
];
const FILTER_OPS = ["=", "!=", "<", "<=", ">", ">=", ":", "!", "==", "=<", "=>", "<>"];

function filterValue(rng: Rng): string {
  return rng.weighted<() => string>([
    [3, () => rng.pick(STATUS_WORDS)],
    [2, () => String(rng.int(-5, 200))],
    [2, () => rng.pick(["9999999999999999999999", "-9007199254740993", "1e308", "1e309", "0x10", "1.5", ".5", "-0", "+1", "NaN", "Infinity", "2147483648"])],
    [2, () => rng.pick(["2024-05-01T10:00:00Z", "2024-02-30T00:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999+23:59", "0001-01-01T00:00:00-23:59", "2024-05-01T10:00:60Z", "2024-05-01", "2024-05-01T10:00:00"])],
    [2, () => `"${rng.pick(["2024-05-01T10:00:00Z", "0000-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])}"`],
    [2, () => rng.pick(["true", "false", "TRUE", "yes"])],
    [3, () => `"${unicodeString(rng, 12).replace(/["\\]/g, "")}"`],
    [1, () => `'${asciiWord(rng)}'`],
    [2, () => rng.pick(["*", "a*b", "\"a*\"", "\"\\*\"", "\"%_!\"", "\"\\q\"", "\"x\\", "\"unterminated", "'also", "-5", "-", "--5"])],
    [2, () => asciiWord(rng)],
    [1, () => "x".repeat(rng.pick([511, 512, 513, 600]))],
  ])();
}

/** A random AIP-160 filter: mostly grammatical, sometimes broken on purpose. */
export function genFilter(rng: Rng): string {
  const mode = rng.weighted<string>([[6, "grammar"], [3, "tokens"], [1, "deep"], [1, "long"], [1, "junk"]]);
  if (mode === "deep") {
    const depth = rng.pick([31, 32, 33, 100, 5000]);
    const inner = `status = ${rng.pick(STATUS_WORDS)}`;
    const close = rng.bool(0.8) ? ")".repeat(depth) : ")".repeat(rng.int(0, depth));
    return "(".repeat(depth) + inner + close;
  }
  if (mode === "long") {
    const n = rng.pick([99, 100, 101, 400]);
    return Array.from({ length: n }, (_, i) => `priority > ${i}`).join(rng.pick([" AND ", " OR ", " "]));
  }
  if (mode === "junk") return scrub(unicodeString(rng, 80));
  if (mode === "tokens") {
    const tokens = ["AND", "OR", "NOT", "-", "(", ")", "\"", "'", ":", "*", "\\", ...FILTER_OPS, ...FILTER_FIELDS, "and", "or"];
    const n = rng.int(1, 25);
    return scrub(Array.from({ length: n }, () => (rng.bool(0.7) ? rng.pick(tokens) : filterValue(rng))).join(rng.bool(0.8) ? " " : ""));
  }
  const expr = (depth: number): string => {
    const r = rng.float();
    if (depth < 4 && r < 0.25) return `(${expr(depth + 1)} ${rng.pick(["AND", "OR", "", "AND NOT", "OR -"])} ${expr(depth + 1)})`;
    if (depth < 4 && r < 0.35) return `${rng.pick(["NOT ", "-", "NOT NOT ", "- "])}${expr(depth + 1)}`;
    return `${rng.pick(FILTER_FIELDS)}${rng.pick(["", " "])}${rng.pick(FILTER_OPS.slice(0, 7))}${rng.pick(["", " "])}${filterValue(rng)}`;
  };
  return scrub(expr(0));
}

// ---------------------------------------------------------------------------------------------
// Messages from descriptors
// ---------------------------------------------------------------------------------------------

function genInt32(rng: Rng): number {
  return rng.weighted<() => number>([
    [4, () => rng.int(0, 10)],
    [3, () => rng.int(1, 100)],
    [2, () => rng.pick([0, -1, 1, 99, 100, 101, 500, 501, 1000, 1_000_000, 1_000_001, INT32_MAX, INT32_MIN, INT32_MAX - 1])],
    [1, () => rng.int(-1000, 1000)],
  ])();
}

function genInt64(rng: Rng): bigint {
  return rng.weighted<() => bigint>([
    [4, () => BigInt(rng.int(0, 100))],
    [2, () => rng.pick([0n, -1n, 1n, INT64_MAX, INT64_MIN, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, 2n ** 32n, BigInt(INT32_MAX) + 1n])],
  ])();
}

function genDouble(rng: Rng): number {
  return rng.weighted<() => number>([
    [4, () => rng.int(0, 100)],
    [2, () => rng.float() * 200 - 50],
    [2, () => rng.pick([0, -0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MAX_VALUE, Number.MIN_VALUE, 1e308, -1e308, 10_000, 10_000.0001, 2 ** 53])],
  ])();
}

function genEnum(rng: Rng, e: DescEnum): V {
  return rng.weighted<() => V>([
    [6, () => {
      const v = rng.pick(e.values);
      return { t: "enum", v: v.number, name: v.name };
    }],
    [2, () => ({ t: "enum", v: rng.pick([42, -1, 99, INT32_MAX, INT32_MIN, e.values.length]) })],
    [1, () => ({ t: "enum", v: 0, name: rng.pick([`${e.values[0]!.name.replace(/_UNSPECIFIED$/, "")}_BOGUS`, "", e.values[1]?.name.toLowerCase() ?? "x"]) })],
  ])();
}

/** JSON content for Struct / Value fields: objects, deep nesting, odd numbers. */
function genJson(ctx: GenContext, depth = 0): unknown {
  const { rng } = ctx;
  if (depth === 0 && ctx.big > 0 && rng.bool(0.08)) {
    ctx.big--;
    const levels = rng.pick([33, 64, 200, 200, 1000]);
    let v: unknown = rng.pick([1, "leaf", null, true]);
    for (let i = 0; i < levels; i++) v = rng.bool(0.8) ? { [rng.pick(["a", "steps", "nested"])]: v } : [v];
    return v;
  }
  if (depth === 0 && ctx.big > 0 && rng.bool(0.04)) {
    ctx.big--;
    return Object.fromEntries(Array.from({ length: rng.pick([100, 1000, 5000]) }, (_, i) => [`k${i}`, i]));
  }
  return rng.weighted<() => unknown>([
    [3, () => rng.int(-10, 10_000)],
    [1, () => rng.pick([0.5, -0, 1e300, -1e300, 2 ** 53 + 2])],
    [2, () => genString(ctx, "value")],
    [1, () => rng.bool()],
    [1, () => null],
    [depth < 4 ? 3 : 0, () => {
      const o: Record<string, unknown> = {};
      const keys = ["steps", "step_ms", "code", "message", "retryable", "items", "fail_every", "asset_id", "duration_s", "", "__proto__", "a.b", asciiWord(rng)];
      for (let i = rng.int(0, 4); i > 0; i--) o[rng.pick(keys)] = genJson(ctx, depth + 1);
      return o;
    }],
    [depth < 4 ? 1 : 0, () => Array.from({ length: rng.int(0, 4) }, () => genJson(ctx, depth + 1))],
  ])();
}

function genTime(rng: Rng, duration: boolean): V {
  if (duration) {
    return rng.weighted<() => V>([
      [5, () => ({ t: "time", seconds: BigInt(rng.int(0, 120)), nanos: rng.pick([0, 500_000_000, 5_000_000]) })],
      [2, () => ({ t: "time", seconds: rng.pick([-1n, 315_576_000_000n, 315_576_000_001n, INT64_MAX, INT64_MIN, 86_401n, 3_600_000n]), nanos: rng.pick([0, -1, 999_999_999, 1_000_000_000, INT32_MAX, INT32_MIN]) })],
      [1, () => ({ t: "time", seconds: 0n, nanos: 0, json: rng.pick(["1.5s", "-1s", "1s ", "s", "1e3s", "315576000001s", "1.0000000001s", "NaNs", "10"]) })],
    ])();
  }
  return rng.weighted<() => V>([
    [5, () => ({ t: "time", seconds: BigInt(1_700_000_000 + rng.int(-1e8, 1e8)), nanos: rng.int(0, 999_999_999) })],
    [2, () => ({ t: "time", seconds: rng.pick([0n, -1n, -62_135_596_800n, -62_135_596_801n, 253_402_300_799n, 253_402_300_800n, 8_640_000_000_000n, 8_640_000_000_001n, INT64_MAX, INT64_MIN, 32_503_680_000n, -30_610_224_000n]), nanos: rng.pick([0, 999_999_999, -1, 1_000_000_000]) })],
    [1, () => ({ t: "time", seconds: 0n, nanos: 0, json: rng.pick(["2024-02-30T00:00:00Z", "10000-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "1970-01-01", "yesterday", "2024-05-01T10:00:00+25:00", "1969-12-31T23:59:59.999Z"]) })],
  ])();
}

const MASK_WORDS = ["name", "comment", "tags", "labels", "project", "type", "params", "queue", "priority", "retry_policy", "max_attempts", "timeouts", "dedupe_key", "visibility", "artifacts", "description", "concurrency_limit", "default_priority", "paused", "rate_limit", "rate_limit.per_second", "rate_limit.burst", "fairness_key", "temporal_task_queue", "*", "id", "create_time", "status", "nope", "", "labels.x", "__proto__"];

function wrongValue(ctx: GenContext, f: DescField): V {
  const { rng } = ctx;
  const json = rng.pick<unknown>(["lots", 12, -3.5, true, [], [1, "a"], {}, { a: 1 }, "", "0x10", "1e2", 1e21, "NaN", "9223372036854775808", "-9223372036854775809", 4294967296]);
  // The binary twin: the field number with the wire type of something else.
  const expected = f.fieldKind === "scalar" ? wireTypeOf(f.scalar) : f.fieldKind === "enum" ? WireType.Varint : WireType.LengthDelimited;
  const others = [WireType.Varint, WireType.Bit64, WireType.LengthDelimited, WireType.Bit32, WireType.StartGroup].filter((w) => w !== expected);
  return { t: "wrong", json, wire: rng.pick(others) };
}

function genScalar(ctx: GenContext, type: ScalarType, fieldName: string): V {
  const { rng } = ctx;
  switch (type) {
    case ScalarType.STRING:
      if (rng.bool(0.04)) {
        const bad = rng.pick(BAD_UTF8);
        const prefix = Buffer.from(asciiWord(rng));
        return { t: "badutf8", bytes: new Uint8Array([...prefix, ...bad, ...prefix]), json: `${prefix}\ud800${prefix}` };
      }
      return { t: "str", v: genString(ctx, fieldName) };
    case ScalarType.BYTES:
      return { t: "bytes", v: rng.bytes(rng.int(0, 40)) };
    case ScalarType.BOOL:
      return { t: "bool", v: rng.bool() };
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return { t: "num", v: genDouble(rng) };
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return { t: "big", v: genInt64(rng) };
    default:
      return { t: "num", v: genInt32(rng) };
  }
}

function genSingle(ctx: GenContext, f: DescField, kind: "scalar" | "enum" | "message", depth: number, name: string): V {
  if (kind === "scalar") return genScalar(ctx, f.scalar!, name);
  if (kind === "enum") return genEnum(ctx.rng, f.enum!);
  return genMessageValue(ctx, f.message!, depth + 1, name);
}

function genMessageValue(ctx: GenContext, desc: DescMessage, depth: number, name: string): V {
  const { rng } = ctx;
  switch (desc.typeName) {
    case "google.protobuf.Struct": {
      const v = genJson(ctx);
      return { t: "json", v: v !== null && typeof v === "object" && !Array.isArray(v) ? v : { value: v } };
    }
    case "google.protobuf.Value":
      return { t: "json", v: genJson(ctx) };
    case "google.protobuf.ListValue": {
      const v = genJson(ctx);
      return { t: "json", v: Array.isArray(v) ? v : [v] };
    }
    case "google.protobuf.Timestamp":
      return genTime(rng, false);
    case "google.protobuf.Duration":
      return genTime(rng, true);
    case "google.protobuf.FieldMask":
      return { t: "mask", paths: Array.from({ length: rng.int(0, 4) }, () => rng.pick(MASK_WORDS)) };
  }
  return genMessage(ctx, desc, depth, name);
}

/** A message of `desc`: each field set with some probability, oneofs mostly respected. */
export function genMessage(ctx: GenContext, desc: DescMessage, depth = 0, parentName = ""): Extract<V, { t: "msg" }> {
  const { rng } = ctx;
  const fields: Array<[DescField, V]> = [];
  const oneofsSet = new Set<string>();
  const density = depth === 0 ? 0.7 : depth < 3 ? 0.5 : 0.25;
  for (const f of desc.fields) {
    if (!rng.bool(density)) continue;
    if (f.oneof && oneofsSet.has(f.oneof.name) && rng.bool(0.8)) continue;
    if (f.oneof) oneofsSet.add(f.oneof.name);
    const name = desc.typeName === "taskyard.v1.RevokeApiKeyRequest" && f.name === "id" ? "id#apikey" : f.name;
    if (rng.bool(0.03)) {
      fields.push([f, wrongValue(ctx, f)]);
      continue;
    }
    if (f.fieldKind === "list") {
      const long = ctx.big > 0 && rng.bool(0.04);
      if (long) ctx.big--;
      const n = long ? rng.pick([51, 101, 501, 1001, 2000]) : rng.int(0, 4);
      const items: V[] = [];
      for (let i = 0; i < n; i++) items.push(genSingle(ctx, f, f.listKind, depth, name));
      fields.push([f, { t: "list", items }]);
    } else if (f.fieldKind === "map") {
      const many = ctx.big > 0 && rng.bool(0.04);
      if (many) ctx.big--;
      const n = many ? rng.pick([33, 65, 1000, 5000]) : rng.int(0, 4);
      const entries: Array<[string, V]> = [];
      for (let i = 0; i < n; i++) {
        const key = many ? `k${i}` : rng.weighted<() => string>([[5, () => asciiWord(rng, 10)], [2, () => rng.pick(["asset", "product", "version", "env"])], [2, () => genString(ctx, "key")]])();
        entries.push([key, genSingle(ctx, f, f.mapKind, depth, `${name}.value`)]);
      }
      fields.push([f, { t: "map", entries }]);
    } else if (f.fieldKind === "message" && depth > 6) {
      continue;
    } else {
      fields.push([f, genSingle(ctx, f, f.fieldKind, depth, name)]);
    }
  }
  void parentName;
  const msg: Extract<V, { t: "msg" }> = { t: "msg", desc, fields };
  if (rng.bool(0.04)) {
    const no = rng.pick([99, 1000, 536_870_911, 19_000]);
    const w = new BinaryWriter().tag(no, WireType.Varint).uint64(rng.int(0, 1e6)).finish();
    msg.unknown = [{ no, wire: w, json: [scrub(rng.pick(["pageSise", "taskId", "extra", "foo_bar", "@type", asciiWord(rng)])), rng.int(0, 5)] }];
  }
  return msg;
}

// ---------------------------------------------------------------------------------------------
// Encoders
// ---------------------------------------------------------------------------------------------

function wireTypeOf(type: ScalarType | undefined): WireType {
  switch (type) {
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return WireType.Bit64;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return WireType.Bit32;
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return WireType.LengthDelimited;
    default:
      return WireType.Varint;
  }
}

function writeScalar(w: BinaryWriter, type: ScalarType, v: V): void {
  const big = (x: bigint | number): bigint => (typeof x === "bigint" ? x : BigInt(Math.trunc(Number.isFinite(x) ? x : 0)));
  const clamp64 = (x: bigint) => (x > INT64_MAX ? INT64_MAX : x < INT64_MIN ? INT64_MIN : x);
  const raw = v.t === "num" || v.t === "big" ? v.v : v.t === "bool" ? (v.v ? 1 : 0) : v.t === "enum" ? v.v : 0;
  switch (type) {
    case ScalarType.DOUBLE:
      w.double(Number(raw));
      return;
    case ScalarType.FLOAT:
      w.float(Math.fround(Number(raw)));
      return;
    case ScalarType.STRING:
      if (v.t === "badutf8") w.bytes(v.bytes);
      else w.string(v.t === "str" ? v.v : "");
      return;
    case ScalarType.BYTES:
      w.bytes(v.t === "bytes" ? v.v : new Uint8Array());
      return;
    case ScalarType.BOOL:
      // Any varint is a bool on the wire; 2 or 2^40 should decode as true.
      w.uint64(v.t === "bool" ? (v.v ? 1n : 0n) : 2n);
      return;
    case ScalarType.INT64:
    case ScalarType.INT32:
      // Writing int32 fields as int64 varints lets out-of-range values reach the decoder.
      w.int64(clamp64(big(raw)));
      return;
    case ScalarType.UINT64:
    case ScalarType.UINT32:
      w.uint64(BigInt.asUintN(64, big(raw)));
      return;
    case ScalarType.SINT64:
    case ScalarType.SINT32:
      w.sint64(clamp64(big(raw)));
      return;
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      w.sfixed64(clamp64(big(raw)));
      return;
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      w.sfixed32(Number(BigInt.asIntN(32, big(raw))));
      return;
  }
}

/** Struct/Value/ListValue content as proto binary (google/protobuf/struct.proto). */
function writeJsonValue(w: BinaryWriter, v: unknown): void {
  // Value: null_value=1 number_value=2 string_value=3 bool_value=4 struct_value=5 list_value=6
  if (v === null || v === undefined) w.tag(1, WireType.Varint).int32(0);
  else if (typeof v === "number") w.tag(2, WireType.Bit64).double(v);
  else if (typeof v === "string") w.tag(3, WireType.LengthDelimited).string(v);
  else if (typeof v === "boolean") w.tag(4, WireType.Varint).bool(v);
  else if (Array.isArray(v)) {
    w.tag(6, WireType.LengthDelimited).fork();
    writeListValue(w, v);
    w.join();
  } else {
    w.tag(5, WireType.LengthDelimited).fork();
    writeStruct(w, v as Record<string, unknown>);
    w.join();
  }
}
function writeStruct(w: BinaryWriter, o: Record<string, unknown>): void {
  for (const [k, val] of Object.entries(o)) {
    w.tag(1, WireType.LengthDelimited).fork();
    w.tag(1, WireType.LengthDelimited).string(k);
    w.tag(2, WireType.LengthDelimited).fork();
    writeJsonValue(w, val);
    w.join();
    w.join();
  }
}
function writeListValue(w: BinaryWriter, xs: unknown[]): void {
  for (const x of xs) {
    w.tag(1, WireType.LengthDelimited).fork();
    writeJsonValue(w, x);
    w.join();
  }
}

function writeMessageBody(w: BinaryWriter, v: V, desc: DescMessage): void {
  switch (v.t) {
    case "json":
      if (desc.typeName === "google.protobuf.Struct") writeStruct(w, (v.v ?? {}) as Record<string, unknown>);
      else if (desc.typeName === "google.protobuf.ListValue") writeListValue(w, (v.v ?? []) as unknown[]);
      else writeJsonValue(w, v.v);
      return;
    case "time":
      if (v.seconds !== 0n) w.tag(1, WireType.Varint).int64(v.seconds);
      if (v.nanos !== 0) w.tag(2, WireType.Varint).int64(BigInt(v.nanos));
      return;
    case "mask":
      for (const p of v.paths) w.tag(1, WireType.LengthDelimited).string(p);
      return;
    case "msg":
      for (const [f, fv] of v.fields) writeField(w, f, fv);
      for (const u of v.unknown ?? []) w.raw(u.wire);
      return;
  }
}

function writeSingle(w: BinaryWriter, no: number, kind: "scalar" | "enum" | "message", f: DescField, v: V): void {
  if (kind === "message") {
    w.tag(no, WireType.LengthDelimited).fork();
    writeMessageBody(w, v, f.message!);
    w.join();
  } else if (kind === "enum") {
    w.tag(no, WireType.Varint).int64(BigInt(v.t === "enum" ? v.v : 0));
  } else {
    w.tag(no, wireTypeOf(f.scalar));
    writeScalar(w, f.scalar!, v);
  }
}

function writeField(w: BinaryWriter, f: DescField, v: V): void {
  if (v.t === "wrong") {
    w.tag(f.number, v.wire);
    if (v.wire === WireType.Varint) w.uint32(7);
    else if (v.wire === WireType.Bit64) w.fixed64(7n);
    else if (v.wire === WireType.Bit32) w.fixed32(7);
    else if (v.wire === WireType.LengthDelimited) w.bytes(new Uint8Array([0xff, 0x01]));
    // StartGroup: nothing follows (an unterminated group).
    return;
  }
  if (f.fieldKind === "list") {
    if (v.t !== "list") return;
    for (const item of v.items) writeSingle(w, f.number, f.listKind, f, item);
  } else if (f.fieldKind === "map") {
    if (v.t !== "map") return;
    for (const [k, val] of v.entries) {
      w.tag(f.number, WireType.LengthDelimited).fork();
      w.tag(1, WireType.LengthDelimited).string(k);
      writeSingle(w, 2, f.mapKind, f, val);
      w.join();
    }
  } else {
    writeSingle(w, f.number, f.fieldKind, f, v);
  }
}

/** The message as proto binary (possibly invalid: out-of-range numbers, bad UTF-8, wrong wire types). */
export function toBinary(v: Extract<V, { t: "msg" }>): Uint8Array {
  const w = new BinaryWriter();
  writeMessageBody(w, v, v.desc);
  return w.finish();
}

function jsonNumber(n: number): unknown {
  if (Number.isNaN(n)) return "NaN";
  if (n === Number.POSITIVE_INFINITY) return "Infinity";
  if (n === Number.NEGATIVE_INFINITY) return "-Infinity";
  return n;
}

function timeJson(v: Extract<V, { t: "time" }>, duration: boolean): unknown {
  if (v.json !== undefined) return v.json;
  if (duration) {
    const nanos = v.nanos === 0 ? "" : `.${String(Math.abs(v.nanos) % 1_000_000_000).padStart(9, "0")}`;
    return `${v.seconds}${nanos}s`;
  }
  const ms = Number(v.seconds) * 1000 + Math.floor(v.nanos / 1e6);
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? `${v.seconds}-01-01T00:00:00Z` : d.toISOString();
}

function singleJson(kind: "scalar" | "enum" | "message", f: DescField, v: V): unknown {
  switch (v.t) {
    case "wrong":
      return v.json;
    case "num":
      if (f.scalar === ScalarType.DOUBLE || f.scalar === ScalarType.FLOAT) return jsonNumber(v.v);
      return v.v;
    case "big":
      return v.v >= -(2n ** 53n) && v.v <= 2n ** 53n && (Number(v.v) & 1) === 0 ? Number(v.v) : v.v.toString();
    case "bool":
      return v.v;
    case "str":
      return v.v;
    case "badutf8":
      return v.json;
    case "bytes":
      return Buffer.from(v.v).toString("base64");
    case "enum":
      return v.name ?? v.v;
    case "json":
      return v.v;
    case "time":
      return timeJson(v, f.message?.typeName === "google.protobuf.Duration");
    case "mask":
      return v.paths.map((p) => p.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())).join(",");
    case "msg":
      return messageJson(v);
    default:
      return null;
  }
  void kind;
}

function messageJson(v: Extract<V, { t: "msg" }>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [f, fv] of v.fields) {
    if (fv.t === "wrong") o[f.jsonName] = fv.json;
    else if (f.fieldKind === "list") o[f.jsonName] = fv.t === "list" ? fv.items.map((i) => singleJson(f.listKind, f, i)) : [];
    else if (f.fieldKind === "map") o[f.jsonName] = fv.t === "map" ? Object.fromEntries(fv.entries.map(([k, i]) => [k, singleJson(f.mapKind, f, i)])) : {};
    else o[f.jsonName] = singleJson(f.fieldKind, f, fv);
  }
  for (const u of v.unknown ?? []) o[u.json[0]] = u.json[1];
  return o;
}

/** The message as proto JSON text (possibly invalid: wrong types, unknown fields, lone surrogates). */
export function toJson(v: Extract<V, { t: "msg" }>): string {
  return JSON.stringify(messageJson(v));
}

// ---------------------------------------------------------------------------------------------
// Whole-request mutations
// ---------------------------------------------------------------------------------------------

/** Byte-level damage to an encoded binary message (truncation, flips, garbage). */
export function mutateBinary(rng: Rng, bytes: Uint8Array): Uint8Array {
  return rng.weighted<() => Uint8Array>([
    [12, () => bytes],
    [1, () => bytes.slice(0, rng.int(0, Math.max(0, bytes.length - 1)))],
    [1, () => {
      const b = bytes.slice();
      for (let i = rng.int(1, 4); i > 0 && b.length > 0; i--) b[rng.int(0, b.length - 1)] ^= 1 << rng.int(0, 7);
      return b;
    }],
    [1, () => new Uint8Array([...bytes, ...rng.bytes(rng.int(1, 16))])],
  ])();
}

/** Text-level damage to a JSON body. */
export function mutateJson(rng: Rng, text: string): string {
  return rng.weighted<() => string>([
    [14, () => text],
    [1, () => text.slice(0, rng.int(0, Math.max(0, text.length - 1)))],
    [1, () => text.replace(/"([a-z])/i, "$1")],
    [1, () => `${text},`],
  ])();
}

// ---------------------------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------------------------

export type Protocol = "grpc" | "connect";

export interface RpcCase {
  kind: "rpc";
  index: number;
  service: DescService;
  method: DescMethod;
  protocol: Protocol;
  /** gRPC: the message bytes; Connect: the JSON text. */
  body: Uint8Array | string;
}

export interface RawCase {
  kind: "raw";
  index: number;
  name: string;
  transport: "h2" | "http1";
  path: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

export type FuzzCase = RpcCase | RawCase;

/** Methods whose request names task ids that would block on an existing task (streams, long polls). */
const BLOCKING = new Set(["WatchTask", "WaitTask"]);
/** Methods that take a filter (where the filter generator is aimed half the time). */
const FILTERED = new Set(["ListTasks", "GetTaskFilterOptions", "BatchCancelTasks", "BatchRetryTasks", "BatchArchiveTasks", "BatchUnarchiveTasks", "BatchDeleteTasks", "BatchUpdateTaskTags", "BatchMoveTasksToProject", "BatchSetTaskVisibility", "BatchPublishTasks", "BatchResetTasks"]);

export interface CaseOptions {
  services: readonly DescService[];
  taskIds: readonly string[];
  /** Share of raw-protocol cases (0–1). */
  rawShare?: number;
}

/** Case `index` of the run with `seed`: deterministic in (seed, index, options). */
export function makeCase(seed: number, index: number, options: CaseOptions): FuzzCase {
  const rng = Rng.forCase(seed, index);
  if (rng.bool(options.rawShare ?? 0.08)) return makeRawCase(rng, index, options);
  const methods = options.services.flatMap((s) => s.methods.map((m) => [s, m] as const));
  const [service, method] = rng.pick(methods);
  const protocol: Protocol = index % 2 === 0 ? "grpc" : "connect";
  const ctx: GenContext = { rng, taskIds: options.taskIds, big: rng.bool(0.15) ? 1 : 0, realIds: !BLOCKING.has(method.name) };
  const msg = genMessage(ctx, method.input);
  if (FILTERED.has(method.name) && rng.bool(0.5)) {
    const f = method.input.fields.find((x) => x.name === "filter")!;
    msg.fields = msg.fields.filter(([x]) => x.name !== "filter" && x.name !== "ids");
    msg.fields.push([f, { t: "str", v: genFilter(rng) }]);
  }
  const body = protocol === "grpc" ? mutateBinary(rng, toBinary(msg)) : mutateJson(rng, toJson(msg));
  return { kind: "rpc", index, service, method, protocol, body };
}

function grpcFrame(flags: number, payload: Uint8Array, declared = payload.length): Uint8Array {
  const f = new Uint8Array(5 + payload.length);
  f[0] = flags;
  new DataView(f.buffer).setUint32(1, declared >>> 0);
  f.set(payload, 5);
  return f;
}

function makeRawCase(rng: Rng, index: number, options: CaseOptions): RawCase {
  const methods = options.services.flatMap((s) => s.methods.map((m) => [s, m] as const));
  const [service, method] = rng.pick(methods);
  const path = rng.bool(0.05) ? rng.pick(["/taskyard.v1.TaskService/Nope", "/taskyard.v1.Nope/GetTask", "/", "/taskyard.v1.TaskService/", "/%ff%fe", "/taskyard.v1.TaskService/GetTask?x=1"]) : `/${service.typeName}/${method.name}`;
  const ctx: GenContext = { rng, taskIds: [], big: 0, realIds: false };
  const valid = toBinary(genMessage(ctx, method.input));
  const enc = new TextEncoder();
  const streaming = method.methodKind === "server_streaming";
  const grpc = (name: string, body: Uint8Array, headers: Record<string, string> = {}): RawCase => ({
    kind: "raw", index, name, transport: "h2", path, headers: { "content-type": "application/grpc", te: "trailers", "grpc-timeout": "5S", ...headers }, body,
  });
  const connect = (name: string, body: Uint8Array | string, headers: Record<string, string> = {}): RawCase => ({
    kind: "raw", index, name, transport: rng.bool(0.7) ? "http1" : "h2", path,
    headers: { "content-type": streaming ? "application/connect+json" : "application/json", "connect-timeout-ms": "5000", ...headers },
    body: typeof body === "string" ? enc.encode(body) : body,
  });
  const jsonText = toJson(genMessage(ctx, method.input));
  return rng.pick<() => RawCase>([
    // gRPC framing
    () => grpc("grpc: truncated length prefix", grpcFrame(0, valid).slice(0, rng.int(1, 4))),
    () => grpc("grpc: declared length larger than body", grpcFrame(0, valid, valid.length + rng.int(1, 1000))),
    () => grpc("grpc: declared length 4 GiB", grpcFrame(0, valid, 0xffffffff)),
    () => grpc("grpc: declared length above the read limit", grpcFrame(0, valid, 9 * 1024 * 1024)),
    () => grpc("grpc: compressed flag without grpc-encoding", grpcFrame(1, valid)),
    () => grpc("grpc: gzip flag with garbage", grpcFrame(1, rng.bytes(rng.int(0, 64))), { "grpc-encoding": "gzip" }),
    () => grpc("grpc: unknown grpc-encoding", grpcFrame(1, valid), { "grpc-encoding": "br-fuzz" }),
    () => grpc("grpc: garbage bytes", rng.bytes(rng.int(1, 200))),
    () => grpc("grpc: garbage message", grpcFrame(0, rng.bytes(rng.int(1, 200)))),
    () => grpc("grpc: empty body", new Uint8Array()),
    () => grpc("grpc: two messages on a unary call", new Uint8Array([...grpcFrame(0, valid), ...grpcFrame(0, valid)])),
    () => grpc("grpc: reserved flag bits", grpcFrame(rng.pick([0x02, 0x80, 0xff]), valid)),
    () => grpc("grpc: wrong content-type", grpcFrame(0, valid), { "content-type": rng.pick(["text/plain", "application/grpc+fuzz", "application/grpc+json", "application/json", ""]) }),
    () => grpc("grpc: malformed grpc-timeout", grpcFrame(0, valid), { "grpc-timeout": rng.pick(["", "-1S", "999999999999H", "1x", "S"]) }),
    () => grpc("grpc-web: garbage", rng.bytes(rng.int(0, 64)), { "content-type": rng.pick(["application/grpc-web", "application/grpc-web-text", "application/grpc-web+proto"]) }),
    // Connect
    () => connect("connect: invalid JSON", rng.pick(["{", "{\"task\":", "[1,2", "{'a':1}", "nul", "{\"a\":1}}", "\u0000", "{\"pageSize\": 01}", "{\"pageSize\": 1e400}"])),
    () => connect("connect: JSON of the wrong shape", rng.pick(["[]", "1", "\"x\"", "null", "true", "[{}]"])),
    () => connect("connect: bad UTF-8 in the body", new Uint8Array([...enc.encode("{\"filter\": \"a"), ...rng.pick(BAD_UTF8), ...enc.encode("\"}")])),
    () => connect("connect: bad UTF-8 bytes only", rng.bytes(rng.int(1, 64))),
    () => connect("connect: empty body", ""),
    () => connect("connect: wrong content-type", jsonText, { "content-type": rng.pick(["text/plain", "application/xml", "application/json; charset=latin1", "application/x-www-form-urlencoded", "multipart/form-data", "", "application/connect+json", "application/proto"]) }),
    () => connect("connect: binary body labelled JSON", valid),
    () => connect("connect: proto with garbage", rng.bytes(rng.int(1, 64)), { "content-type": streaming ? "application/connect+proto" : "application/proto" }),
    () => connect("connect: gzip content-encoding with garbage", rng.bytes(rng.int(1, 64)), { "content-encoding": "gzip" }),
    () => connect("connect: unknown content-encoding", jsonText, { "content-encoding": "fuzz" }),
    () => connect("connect: bad protocol version", jsonText, { "connect-protocol-version": rng.pick(["2", "", "x"]) }),
    () => connect("connect: deep JSON nesting", `{"params":${"[".repeat(rng.pick([200, 10_000, 100_000]))}${"]".repeat(rng.pick([0, 200, 10_000]))}}`),
    () => connect("connect: deep Struct nesting", `{"task":{"type":"demo.sleep","params":${"{\"a\":".repeat(rng.pick([100, 1000, 20_000]))}1${"}".repeat(rng.pick([100, 1000, 20_000]))}}}`),
    () => connect("connect: many duplicate keys", `{${Array.from({ length: 2000 }, () => "\"pageSize\":1").join(",")}}`),
    () => connect("connect: unknown fields", `{"${scrub(asciiWord(rng))}": ${rng.int(0, 9)}, "page_size": 1}`),
    () => connect("connect: huge body over the read limit", `{"filter":"${"x".repeat(8 * 1024 * 1024 + 10)}"}`),
    () => connect("connect: enveloped garbage for a stream", grpcFrame(rng.pick([0, 1, 2]), rng.bytes(rng.int(0, 32)), rng.int(0, 64)), { "content-type": "application/connect+json" }),
    () => connect("connect: GET with garbage query", "", { "x-method": "GET" }),
  ])();
}
