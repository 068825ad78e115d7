/**
 * Fuzzing from the descriptors (test/helpers/fuzz.ts): generated requests for every RPC of
 * TaskService, QueueService, WorkerService and ApiKeyService over gRPC binary (raw HTTP/2
 * frames) and Connect JSON (plain fetch), AIP-160 filter strings, and raw-protocol damage
 * (truncated frames, wrong content types, bad UTF-8, …).
 *
 * Every answer must be a gRPC/Connect error code or OK — never INTERNAL or UNKNOWN, never a hung
 * call, a reset stream or an HTTP 500 — and its message must hold no SQL, driver codes, stack
 * frames or file paths. Afterwards the server must still answer health checks and a normal
 * CreateTask/GetTask round trip.
 *
 *   TASKYARD_FUZZ_CASES  cases to run (default 1500: a seed-stable slice for `npm test`;
 *                        `test:faults` runs 100000)
 *   TASKYARD_FUZZ_SEED   the seed (default 20240501); a failure prints it with each case index
 *   TASKYARD_FUZZ_ONLY   comma-separated case indexes to replay alone
 *
 * Authentication is on and the suite has a tenant of its own: random DeleteQueue, PurgeQueue and
 * Batch… calls with broad filters must never touch the rows of suites running in parallel.
 */
import http2 from "node:http2";
import { Code, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Health, HealthCheckResponse_ServingStatus } from "../../src/gen/grpc/health/v1/health_pb.js";
import { ApiKeyService } from "../../src/gen/taskyard/v1/api_key_service_pb.js";
import { QueueService } from "../../src/gen/taskyard/v1/queue_service_pb.js";
import { TaskService } from "../../src/gen/taskyard/v1/task_service_pb.js";
import { WorkerService } from "../../src/gen/taskyard/v1/worker_service_pb.js";
import { startTestApp, type TestApp } from "../helpers/app.js";
import { startTestIdp, uniqueTenant, type TestIdp } from "../helpers/auth.js";
import { leakIn, makeCase, type FuzzCase } from "../helpers/fuzz.js";

const CASES = Number(process.env.TASKYARD_FUZZ_CASES ?? 1500);
const SEED = Number(process.env.TASKYARD_FUZZ_SEED ?? 20240501);
const ONLY = process.env.TASKYARD_FUZZ_ONLY?.split(",").map(Number);
/** Share of raw-protocol cases (malformed frames and bodies); the rest are generated messages. */
const RAW_SHARE = Number(process.env.TASKYARD_FUZZ_RAW_SHARE ?? 0.08);
const CONCURRENCY = 8;
/** A call still unanswered after this long counts as hung (server deadlines are 5 s). */
const HANG_MS = 20_000;
const SERVICES = [TaskService, QueueService, WorkerService, ApiKeyService];

/** Connect code names by gRPC status number. */
const CODE_NAMES = ["ok", "canceled", "unknown", "invalid_argument", "deadline_exceeded", "not_found", "already_exists", "permission_denied", "resource_exhausted", "failed_precondition", "aborted", "out_of_range", "unimplemented", "internal", "unavailable", "data_loss", "unauthenticated"];

interface Answer {
  /** A Connect code name ("ok" on success), or `http_<status>` when the server answered plain HTTP. */
  code: string;
  message: string;
  httpStatus: number;
  /** Set when the call never completed: "hung" or the transport error. */
  broken?: string;
}

interface Offense {
  index: number;
  what: string;
  method: string;
  protocol: string;
  request: string;
  answer: string;
}

// ---------------------------------------------------------------------------------------------
// Transports
// ---------------------------------------------------------------------------------------------

let app: TestApp;
let idp: TestIdp;
let token: string;
let session: http2.ClientHttp2Session | undefined;

function h2(): http2.ClientHttp2Session {
  if (!session || session.closed || session.destroyed) {
    session = http2.connect(app.baseUrl);
    session.on("error", () => {}); // a broken session is replaced on the next call
  }
  return session;
}

function envelope(flags: number, payload: Uint8Array): Uint8Array {
  const f = new Uint8Array(5 + payload.length);
  f[0] = flags;
  new DataView(f.buffer).setUint32(1, payload.length);
  f.set(payload, 5);
  return f;
}

/** The end-of-stream error (flag 0x02) of a Connect streaming response, if any. */
function connectEndStream(body: Buffer): { code?: string; message?: string } | undefined {
  let at = 0;
  while (at + 5 <= body.length) {
    const flags = body[at]!;
    const len = body.readUInt32BE(at + 1);
    const payload = body.subarray(at + 5, at + 5 + len);
    at += 5 + len;
    if (flags & 0x02) {
      try {
        const end = JSON.parse(payload.toString("utf8")) as { error?: { code?: string; message?: string } };
        return end.error ?? { code: "ok" };
      } catch {
        return { code: "bad_end_stream", message: payload.toString("utf8").slice(0, 200) };
      }
    }
  }
  return undefined;
}

function grpcWebTrailer(body: Buffer): Record<string, string> {
  let at = 0;
  while (at + 5 <= body.length) {
    const flags = body[at]!;
    const len = body.readUInt32BE(at + 1);
    const payload = body.subarray(at + 5, at + 5 + len).toString("utf8");
    at += 5 + len;
    if (flags & 0x80) {
      const out: Record<string, string> = {};
      for (const line of payload.split("\r\n")) {
        const i = line.indexOf(":");
        if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = decodeURIComponentSafe(line.slice(i + 1).trim());
      }
      return out;
    }
  }
  return {};
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function connectAnswer(status: number, contentType: string, body: Buffer): Answer {
  if (contentType.startsWith("application/connect+")) {
    const end = connectEndStream(body);
    if (!end) return { code: "missing_end_stream", message: body.toString("utf8").slice(0, 200), httpStatus: status };
    return { code: end.code ?? "ok", message: end.message ?? "", httpStatus: status };
  }
  if (status === 200) return { code: "ok", message: "", httpStatus: status };
  const text = body.toString("utf8");
  try {
    const json = JSON.parse(text) as { code?: string; message?: string };
    if (typeof json.code === "string") return { code: json.code, message: json.message ?? "", httpStatus: status };
  } catch {
    // not a Connect error body
  }
  return { code: `http_${status}`, message: text.slice(0, 500), httpStatus: status };
}

/** One HTTP/2 request; gRPC answers read grpc-status from headers or trailers. */
function h2Request(path: string, headers: Record<string, string>, body: Uint8Array, grpc: boolean, own = false): Promise<Answer> {
  // Raw-protocol damage goes over a session of its own: Node's HTTP/2 server rightly cuts a
  // session after many invalid frames or reset streams (ENHANCE_YOUR_CALM), which must not void
  // the well-formed cases that share the main session.
  const s = own ? http2.connect(app.baseUrl) : h2();
  if (own) s.on("error", () => {});
  return new Promise<Answer>((resolve) => {
    let done = false;
    const finish = (a: Answer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(a);
    };
    let req: http2.ClientHttp2Stream;
    try {
      req = s.request({ ":method": "POST", ":path": path, authorization: `Bearer ${token}`, ...headers });
    } catch (err) {
      finish({ code: "client_error", message: String(err), httpStatus: 0, broken: `client: ${String(err)}` });
      return;
    }
    const timer = setTimeout(() => {
      req.close(http2.constants.NGHTTP2_CANCEL);
      finish({ code: "hung", message: "", httpStatus: 0, broken: "hung" });
    }, HANG_MS);
    let status = 0;
    let contentType = "";
    let grpcStatus: string | undefined;
    let grpcMessage = "";
    const chunks: Buffer[] = [];
    const take = (h: http2.IncomingHttpHeaders) => {
      if (h["grpc-status"] !== undefined) grpcStatus = String(h["grpc-status"]);
      if (h["grpc-message"] !== undefined) {
        try {
          grpcMessage = decodeURIComponent(String(h["grpc-message"]));
        } catch {
          grpcMessage = String(h["grpc-message"]);
        }
      }
    };
    if (process.env.TASKYARD_FUZZ_DEBUG) {
      for (const ev of ["response", "trailers", "data", "end", "close", "error", "aborted"]) req.on(ev, (x: unknown) => console.log(`h2 ${path} ${ev}`, ev === "data" ? (x as Buffer).length : x ?? ""));
    }
    req.on("response", (h) => {
      status = Number(h[":status"]);
      contentType = String(h["content-type"] ?? "");
      take(h);
    });
    req.on("trailers", take);
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("error", (err: Error & { code?: string }) => finish({ code: "transport", message: err.message, httpStatus: status, broken: `stream error ${err.code ?? err.message}` }));
    req.on("close", () => {
      if (done) return;
      const rst = req.rstCode;
      if (grpc) {
        if (grpcStatus === undefined && contentType.startsWith("application/grpc-web")) {
          // gRPC-Web sends its trailers as the last body frame (flag 0x80).
          const trailer = grpcWebTrailer(Buffer.concat(chunks));
          grpcStatus = trailer["grpc-status"];
          grpcMessage = trailer["grpc-message"] ?? "";
        }
        if (grpcStatus !== undefined) {
          finish({ code: CODE_NAMES[Number(grpcStatus)] ?? `grpc_${grpcStatus}`, message: grpcMessage, httpStatus: status });
        } else if (status !== 0 && status !== 200) {
          finish({ code: `http_${status}`, message: Buffer.concat(chunks).toString("utf8").slice(0, 500), httpStatus: status });
        } else {
          finish({ code: "no_grpc_status", message: "", httpStatus: status, broken: `no grpc-status (HTTP ${status}, RST_STREAM ${rst})` });
        }
      } else if (status === 0) {
        finish({ code: "no_response", message: "", httpStatus: 0, broken: `no response (RST_STREAM ${rst})` });
      } else {
        finish(connectAnswer(status, contentType, Buffer.concat(chunks)));
      }
    });
    req.end(Buffer.from(body));
  }).finally(() => {
    if (own) s.destroy();
  });
}

/** One HTTP/1.1 request through fetch (undici), as curl or a browser sends Connect. */
async function http1Request(path: string, headers: Record<string, string>, body: Uint8Array, method = "POST"): Promise<Answer> {
  try {
    const res = await fetch(`${app.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...headers },
      body: method === "GET" ? undefined : body,
      signal: AbortSignal.timeout(HANG_MS),
    });
    const buf = Buffer.from(await res.arrayBuffer());
    return connectAnswer(res.status, res.headers.get("content-type") ?? "", buf);
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const hung = e.name === "TimeoutError";
    return { code: hung ? "hung" : "transport", message: e.message, httpStatus: 0, broken: hung ? "hung" : `fetch failed: ${e.cause?.code ?? e.message}` };
  }
}

async function send(c: FuzzCase): Promise<Answer> {
  if (c.kind === "raw") {
    if (c.headers["x-method"] === "GET") {
      return http1Request(`${c.path}?connect=v1&encoding=json&message=%7B%22a`, {}, new Uint8Array(), "GET");
    }
    const grpc = c.headers["content-type"]?.startsWith("application/grpc") ?? false;
    return c.transport === "h2" ? h2Request(c.path, c.headers, c.body, grpc, true) : http1Request(c.path, c.headers, c.body);
  }
  const path = `/${c.service.typeName}/${c.method.name}`;
  const streaming = c.method.methodKind === "server_streaming";
  if (c.protocol === "grpc") {
    return h2Request(path, { "content-type": "application/grpc", te: "trailers", "grpc-timeout": "5S" }, envelope(0, c.body as Uint8Array), true);
  }
  const json = new TextEncoder().encode(c.body as string);
  if (streaming) return http1Request(path, { "content-type": "application/connect+json", "connect-timeout-ms": "5000" }, envelope(0, json));
  return http1Request(path, { "content-type": "application/json", "connect-timeout-ms": "5000" }, json);
}

// ---------------------------------------------------------------------------------------------
// Judging answers
// ---------------------------------------------------------------------------------------------

/** Codes no request may ever produce. */
const FORBIDDEN_CODES = new Set(["internal", "unknown", "http_500", "no_grpc_status", "missing_end_stream", "bad_end_stream"]);

/** Every problem with one answer ("" when it is fine). */
export function judge(c: FuzzCase, a: Answer): string[] {
  const problems: string[] = [];
  if (a.broken) problems.push(a.broken === "hung" ? `no answer within ${HANG_MS} ms` : a.broken);
  if (FORBIDDEN_CODES.has(a.code)) problems.push(`code ${a.code}`);
  if (a.httpStatus === 500) problems.push("HTTP 500");
  // Our admin token must be accepted for every method; anything else means the run is void.
  if (c.kind === "rpc" && a.code === "unauthenticated") problems.push("the fuzz token was refused");
  const leak = leakIn(a.message);
  if (leak) problems.push(`${leak} in the message`);
  return problems;
}

function describeRequest(c: FuzzCase): string {
  const body = c.kind === "rpc" ? c.body : c.body;
  const text = typeof body === "string" ? body : `hex:${Buffer.from(body.subarray(0, 150)).toString("hex")}`;
  return `${text.slice(0, 300)}${text.length > 300 ? `… (${body.length} ${typeof body === "string" ? "chars" : "bytes"})` : ""}`;
}

// ---------------------------------------------------------------------------------------------
// The suite
// ---------------------------------------------------------------------------------------------

const counts = new Map<string, number>();
const offenses: Offense[] = [];
let ran = 0;
let elapsedMs = 0;

beforeAll(async () => {
  idp = await startTestIdp();
  app = await startTestApp({ worker: false, env: idp.env });
  token = await idp.token({ tenant: uniqueTenant("fuzz"), roles: ["admin"], sub: "fuzzer@example.com" });
});
afterAll(async () => {
  session?.close();
  await app?.stop();
  await idp?.stop();
});

describe("the judge", () => {
  // The assertions below are only worth something if the judge can say no.
  const c = makeCase(SEED, 0, { services: SERVICES, taskIds: [] });
  it.each<[string, Answer]>([
    ["INTERNAL", { code: "internal", message: "internal error", httpStatus: 500 }],
    ["UNKNOWN", { code: "unknown", message: "", httpStatus: 200 }],
    ["an SQL leak", { code: "invalid_argument", message: "ER_PARSE_ERROR near 'SELECT * FROM tasks'", httpStatus: 400 }],
    ["a stack trace", { code: "invalid_argument", message: "boom\n    at parse (/work/main/src/rpc/validate.ts:12:3)", httpStatus: 400 }],
    ["a hung call", { code: "hung", message: "", httpStatus: 0, broken: "hung" }],
    ["a reset stream", { code: "transport", message: "", httpStatus: 0, broken: "stream error ERR_HTTP2_STREAM_ERROR" }],
    ["a plain HTTP 500", { code: "http_500", message: "oops", httpStatus: 500 }],
  ])("flags %s", (_name, answer) => {
    expect(judge(c, answer)).not.toEqual([]);
  });
  it("passes a clean INVALID_ARGUMENT", () => {
    expect(judge(c, { code: "invalid_argument", message: 'task.type: unknown task type "x"', httpStatus: 400 })).toEqual([]);
  });
  it("is deterministic in (seed, index)", () => {
    const a = makeCase(SEED, 7, { services: SERVICES, taskIds: [] });
    const b = makeCase(SEED, 7, { services: SERVICES, taskIds: [] });
    expect(describeRequest(a)).toBe(describeRequest(b));
    expect(describeRequest(makeCase(SEED + 1, 7, { services: SERVICES, taskIds: [] }))).not.toBe(describeRequest(a));
  });
});

describe(`fuzz (seed ${SEED})`, () => {
  it(
    `${ONLY ? ONLY.length : CASES} generated cases answer a proper code, never INTERNAL, a hang or a leak`,
    async () => {
      // A few tasks of the fuzz tenant, so that ids sometimes name a real task (PENDING: no workflow).
      const tasks = app.client(TaskService, { token, protocol: "connect" });
      const taskIds: string[] = [];
      for (let i = 0; i < 6; i++) {
        const t = await tasks.createTask({ task: { type: "demo.sleep", params: { steps: 1, step_ms: 1 }, labels: { asset: `a${i}` } }, start: false });
        taskIds.push(t.id);
      }

      const indexes = ONLY ?? Array.from({ length: CASES }, (_, i) => i);
      const started = Date.now();
      let next = 0;
      const worker = async () => {
        while (next < indexes.length) {
          const index = indexes[next++]!;
          const c = makeCase(SEED, index, { services: SERVICES, taskIds, rawShare: RAW_SHARE });
          const answer = await send(c);
          ran++;
          counts.set(answer.code, (counts.get(answer.code) ?? 0) + 1);
          for (const what of judge(c, answer)) {
            offenses.push({
              index,
              what,
              method: c.kind === "rpc" ? `${c.service.typeName}/${c.method.name}` : `${c.path} (${c.name})`,
              protocol: c.kind === "rpc" ? c.protocol : `raw ${c.transport}`,
              request: describeRequest(c),
              answer: `${answer.code} (HTTP ${answer.httpStatus}): ${answer.message.slice(0, 300)}`,
            });
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      elapsedMs = Date.now() - started;

      const internal = (counts.get("internal") ?? 0) + (counts.get("unknown") ?? 0);
      const byCode = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(", ");
      const rate = Math.round((ran / elapsedMs) * 1000);
      console.log(`fuzz: ${ran} cases (seed ${SEED}), ${internal} internal, ${offenses.length} offenses in ${(elapsedMs / 1000).toFixed(1)} s (${rate}/s) — ${byCode}`);

      // One line per kind of offense (what + the answer's code and message start), then the first cases in full.
      const kinds = new Map<string, { count: number; first: Offense }>();
      for (const o of offenses) {
        const key = `${o.what} — ${o.answer.replace(/\d+/g, "N").slice(0, 90)}`;
        const k = kinds.get(key) ?? { count: 0, first: o };
        k.count++;
        kinds.set(key, k);
      }
      if (kinds.size > 0) console.log(`fuzz offenses by kind:\n${[...kinds].map(([k, v]) => `  ${v.count}× ${k} (first #${v.first.index} ${v.first.method} [${v.first.protocol}])`).join("\n")}`);
      const shown = offenses.slice(0, 5).map((o) => `  #${o.index} ${o.method} [${o.protocol}]: ${o.what}\n    request: ${o.request}\n    answer:  ${o.answer}`);
      expect(offenses.length, `seed ${SEED} (replay: TASKYARD_FUZZ_SEED=${SEED} TASKYARD_FUZZ_ONLY=${[...new Set(offenses.map((o) => o.index))].slice(0, 20).join(",")}):\n${shown.join("\n")}`).toBe(0);
      expect(ran).toBe(indexes.length);
      // Not vacuous: the cases got past decoding into the handlers, and some succeeded.
      if (!ONLY) {
        expect(counts.get("ok") ?? 0).toBeGreaterThan(ran * 0.02);
        expect(counts.get("invalid_argument") ?? 0).toBeGreaterThan(ran * 0.1);
        expect(counts.get("not_found") ?? 0).toBeGreaterThan(0);
      }
    },
    Math.max(120_000, CASES * 50),
  );

  it("leaves the server alive: health SERVING and a CreateTask/GetTask round trip", async () => {
    const health = createClient(Health, createGrpcTransport({ baseUrl: app.baseUrl }));
    expect((await health.check({})).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    for (const protocol of ["grpc", "connect"] as const) {
      const tasks = app.client(TaskService, { token, protocol });
      const created = await tasks.createTask({ task: { type: "demo.sleep", name: `after fuzz (${protocol})` }, start: false });
      const got = await tasks.getTask({ id: created.id });
      expect(got.name).toBe(`after fuzz (${protocol})`);
      // And bad input still gets its proper answer.
      await expect(tasks.getTask({ id: "nope" })).rejects.toMatchObject({ code: Code.InvalidArgument });
    }
  });
});

describe("what the fuzzer found stays fixed", () => {
  const grpcHeaders = { "content-type": "application/grpc", te: "trailers", "grpc-timeout": "5S" };
  it.each<[string, string, Record<string, string>, Uint8Array]>([
    // Was INTERNAL "parse binary: premature EOF" (the library's code for undecodable binary).
    ["a truncated message", "/taskyard.v1.TaskService/GetTask", grpcHeaders, envelope(0, new Uint8Array([0x0a, 0x24, 0x61]))],
    // Was INTERNAL "parse binary: … not valid for encoding utf-8".
    ["invalid UTF-8 in a string", "/taskyard.v1.TaskService/GetTask", grpcHeaders, envelope(0, new Uint8Array([0x0a, 0x02, 0xc3, 0x28]))],
    // Was INTERNAL "received compressed envelope, but do not know how to decompress".
    ["the compressed flag without grpc-encoding", "/taskyard.v1.TaskService/GetTask", grpcHeaders, envelope(1, new Uint8Array([0x0a, 0x00]))],
    // Was INTERNAL "decompression failed".
    ["gzip that does not decompress", "/taskyard.v1.TaskService/GetTask", { ...grpcHeaders, "grpc-encoding": "gzip" }, envelope(1, new Uint8Array([1, 2, 3, 4]))],
    // Was no answer at all: the JSON parse error quoted half a surrogate pair, percent-encoding grpc-message threw URIError.
    ["grpc+json whose parse error splits a surrogate pair", "/taskyard.v1.TaskService/GetTask", { ...grpcHeaders, "content-type": "application/grpc+json" }, envelope(0, new TextEncoder().encode(`{"id": x${"\u{1F4A5}".repeat(20)}`))],
  ])("%s → INVALID_ARGUMENT", async (_name, path, headers, body) => {
    const a = await h2Request(path, headers, body, true, true);
    expect(a).toMatchObject({ code: "invalid_argument" });
    expect(a.broken).toBeUndefined();
  });

  // Was INTERNAL + HTTP 500 "decompression failed" (#35182): the guard checked the gRPC envelope flag only.
  it.each<[string, string, Record<string, string>, Uint8Array]>([
    ["Connect unary, Content-Encoding gzip", "/taskyard.v1.WorkerService/StartTaskRun", { "content-type": "application/json", "content-encoding": "gzip" }, new Uint8Array([0xa2])],
    ["Connect unary binary, Content-Encoding br", "/taskyard.v1.TaskService/GetTask", { "content-type": "application/proto", "content-encoding": "br" }, new Uint8Array([1, 2, 3, 4, 5, 6])],
    ["Connect streaming, connect-content-encoding gzip", "/taskyard.v1.TaskService/WatchTask", { "content-type": "application/connect+json", "connect-content-encoding": "gzip" }, envelope(1, new Uint8Array([1, 2, 3, 4]))],
  ])("%s with a body that does not decompress → INVALID_ARGUMENT", async (_name, path, headers, body) => {
    for (const transport of ["h2", "http1"] as const) {
      const all = { "connect-timeout-ms": "5000", ...headers };
      const a = transport === "h2" ? await h2Request(path, all, body, false, true) : await http1Request(path, all, body);
      expect(a, transport).toMatchObject({ code: "invalid_argument" });
      expect(a.broken).toBeUndefined();
    }
  });

  // Was no answer (#50923): the error was sent, but the HTTP/2 stream stayed half open with the
  // client's body blocked on flow control, so the call never completed.
  it.each<[string, Record<string, string>, Uint8Array]>([
    ["an unenveloped JSON body (the fuzz case) over the read limit", { "content-type": "application/connect+json" }, new TextEncoder().encode(`{"filter":"${"x".repeat(8 * 1024 * 1024 + 10)}"}`)],
    ["an envelope declared over the read limit", { "content-type": "application/connect+proto" }, (() => { const f = envelope(0, new Uint8Array(8 * 1024 * 1024 + 10)); new DataView(f.buffer).setUint32(1, 9 * 1024 * 1024); return f; })()],
  ])("a Connect server stream with %s is answered promptly", async (_name, headers, body) => {
    const started = Date.now();
    const a = await h2Request("/taskyard.v1.TaskService/WatchTask", { "connect-timeout-ms": "5000", ...headers }, body, false, true);
    expect(a.broken).toBeUndefined();
    expect(["resource_exhausted", "invalid_argument"]).toContain(a.code);
    // Well before the server's 2 s fallback reset: the rest of the body is drained, the stream closes cleanly.
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  // Was INTERNAL "Incorrect datetime value: '10000-01-01 00:00:00.000' for column expire_time" (#27363).
  it("a Timestamp past what a datetime column holds is INVALID_ARGUMENT naming the field", async () => {
    const keys = app.client(ApiKeyService, { token });
    const tasks = app.client(TaskService, { token });
    const year10000 = { seconds: 253402300800n, nanos: 0 };
    const year500 = { seconds: -46388678400n, nanos: 0 };
    const huge = { seconds: 9_000_000_000_000_000n, nanos: 0 };
    for (const expireTime of [year10000, huge]) {
      await expect(keys.createApiKey({ apiKey: { displayName: "fuzz", role: 1, expireTime } })).rejects.toMatchObject({ code: Code.InvalidArgument, rawMessage: expect.stringMatching(/^api_key\.expire_time: /) });
    }
    for (const [range, field] of [[{ startTime: year500 }, "create_time.start_time"], [{ endTime: year10000 }, "create_time.end_time"], [{ startTime: { seconds: 0n, nanos: -1 } }, "create_time.start_time"]] as const) {
      await expect(tasks.listTasks({ createTime: range })).rejects.toMatchObject({ code: Code.InvalidArgument, rawMessage: expect.stringMatching(new RegExp(`^${field.replace(".", "\\.")}: `)) });
    }
    for (const startTime of [year500, huge]) {
      await expect(tasks.listTasks({ startTime: { startTime } })).rejects.toMatchObject({ code: Code.InvalidArgument, rawMessage: expect.stringMatching(/^start_time\.start_time: /) });
    }
    // The last millisecond a datetime holds is still fine.
    await expect(tasks.listTasks({ endTime: { endTime: { seconds: 253402300799n, nanos: 999_999_999 } } })).resolves.toBeDefined();
  });

  it("a validation message that cuts a surrogate pair is answered over gRPC (was: a hung call)", async () => {
    const tasks = app.client(TaskService, { token });
    const call = tasks.getTask({ id: `a${"\u{1F4A5}".repeat(40)}` }, { timeoutMs: 5000 });
    await expect(call).rejects.toMatchObject({ code: Code.InvalidArgument });
  });

  it("a non-ASCII value for id / parent_id in a filter is INVALID_ARGUMENT (was: INTERNAL, illegal mix of collations)", async () => {
    const tasks = app.client(TaskService, { token });
    for (const filter of ['parent_id < "\u{1F4A5}"', 'id = "é"', 'id : "日本"'.replace(" : ", ":")]) {
      await expect(tasks.listTasks({ filter })).rejects.toMatchObject({ code: Code.InvalidArgument, rawMessage: expect.stringMatching(/^filter: invalid value .* ASCII/) });
    }
  });
});

