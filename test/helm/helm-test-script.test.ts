// files/helm-test.mjs, the script of the chart's `helm test` Pod, against a stand-in gRPC server
// (node:http2): under kwok the Pod never runs, so this is where the script itself is proven.
import { execFile } from "node:child_process";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { chartDir } from "./render.js";

const run = promisify(execFile);
const SCRIPT = path.join(chartDir, "files", "helm-test.mjs");

interface Seen {
  path: string;
  authorization?: string;
  body: Buffer;
}

let server: http2.Http2Server | undefined;

/** A gRPC server answering Health/Check with `health` and ListTasks with `listStatus`. */
async function startServer(health: number, listStatus = 0): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = http2.createServer();
  server.on("stream", (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => {
      const p = String(headers[":path"]);
      seen.push({ path: p, authorization: headers.authorization as string | undefined, body: Buffer.concat(chunks) });
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      const message = p.endsWith("/Check") ? Buffer.from([0x08, health]) : Buffer.alloc(0);
      const head = Buffer.alloc(5);
      head.writeUInt32BE(message.length, 1);
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": p.endsWith("/Check") ? "0" : String(listStatus), "grpc-message": listStatus ? "no%20key" : "" }));
      stream.end(Buffer.concat([head, message]));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

async function runScript(url: string, token: string | undefined, timeoutS = 5): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [SCRIPT], {
      env: { PATH: process.env.PATH, TASKYARD_TEST_URL: url, TASKYARD_TEST_TIMEOUT_S: String(timeoutS), ...(token ? { TASKYARD_TOKEN: token } : {}) },
      timeout: 30_000,
    });
    return { code: 0, out: `${stdout}${stderr}` };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, out: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe("the helm test script", () => {
  it("passes when health is SERVING and ListTasks succeeds, sending the key as a Bearer token", async () => {
    const { url, seen } = await startServer(1);
    const r = await runScript(url, "tyk_secret");
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain("grpc.health.v1.Health/Check at");
    expect(r.out).toContain("ListTasks answered");
    expect(seen.map((s) => s.path)).toEqual(["/grpc.health.v1.Health/Check", "/taskyard.v1.TaskService/ListTasks"]);
    expect(seen[0]!.authorization).toBeUndefined();
    expect(seen[1]!.authorization).toBe("Bearer tyk_secret");
    expect([...seen[1]!.body]).toEqual([0, 0, 0, 0, 2, 0x08, 0x01]); // ListTasksRequest{page_size: 1}
  });

  it("fails, after retrying, when the server is NOT_SERVING", async () => {
    const { url, seen } = await startServer(2);
    const r = await runScript(url, "k", 1);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAILED after \d+ attempt\(s\): Health\/Check: status 2, not SERVING/);
    expect(seen.length).toBeGreaterThanOrEqual(1);
  });

  it("fails at once when the key is refused (UNAUTHENTICATED)", async () => {
    const { url } = await startServer(1, 16);
    const r = await runScript(url, "wrong", 30);
    expect(r.code).toBe(1);
    expect(r.out).toContain("FAILED after 1 attempt(s): TaskService/ListTasks: grpc-status 16 no key");
  });
});
