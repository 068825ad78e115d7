/**
 * The client package (`taskyard/client` for Node, `taskyard/client/web` for browsers) against the
 * real server: typed clients over gRPC, Connect and gRPC-Web, `watch` (snapshots until terminal,
 * one reconnect on UNAVAILABLE), `waitFor` (deadline, abort), the credential, a browser bundle
 * with no Node imports, and the README's example run exactly as printed.
 */
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTaskyardClient, TaskStatus, type Task } from "../../src/client/index.js";
import { createTaskyardClient as createWebClient } from "../../src/client/web.js";
import { startTestApp, uniqueLabel, type TestApp } from "../helpers/app.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ worker: true });
});
afterAll(async () => {
  await app?.stop();
});

const sleepTask = (project: string, steps = 4, stepMs = 150) => ({ task: { type: "demo.sleep", project, params: { steps, step_ms: stepMs } } });

async function collect(iterable: AsyncIterable<Task>): Promise<Task[]> {
  const out: Task[] = [];
  for await (const t of iterable) out.push(t);
  return out;
}

describe.each(["grpc", "connect"] as const)("taskyard/client over %s", (protocol) => {
  it("creates a task, watches it rise to 100 % and end COMPLETED, and waitFor answers the final task", async () => {
    const client = createTaskyardClient({ baseUrl: app.baseUrl, protocol });
    try {
      const project = uniqueLabel();
      const task = await client.tasks.createTask(sleepTask(project));
      const snapshots = await collect(client.watch(task.id));
      expect(snapshots.at(-1)!.status).toBe(TaskStatus.COMPLETED);
      expect(snapshots.at(-1)!.progress!.percent).toBe(100);
      const currents = snapshots.map((s) => Number(s.progress?.current ?? 0));
      expect(currents).toEqual([...currents].sort((a, b) => a - b)); // progress never goes back
      expect(new Set(snapshots.map((s) => s.status)).has(TaskStatus.RUNNING)).toBe(true);
      const done = await client.waitFor(task.id, { timeoutMs: 30_000 });
      expect(done.status).toBe(TaskStatus.COMPLETED);
      expect(done.result).toMatchObject({ steps: 4 });
      // The other services are there and typed.
      expect((await client.queues.getQueue({ name: "default" })).name).toBe("default");
      expect((await client.views.listSavedViews({})).views).toBeInstanceOf(Array);
    } finally {
      client.close();
    }
  });
});

describe("waitFor", () => {
  it("fails with DEADLINE_EXCEEDED after timeoutMs, and with CANCELED when its signal aborts", async () => {
    const client = createTaskyardClient({ baseUrl: app.baseUrl });
    const task = await client.tasks.createTask(sleepTask(uniqueLabel(), 100, 1000));
    try {
      const started = Date.now();
      const late = await client.waitFor(task.id, { timeoutMs: 1500 }).catch((e: unknown) => ConnectError.from(e));
      expect(late).toBeInstanceOf(ConnectError);
      expect((late as ConnectError).code).toBe(Code.DeadlineExceeded);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
      expect(Date.now() - started).toBeLessThan(10_000);

      const abort = new AbortController();
      setTimeout(() => abort.abort(), 300);
      const aborted = await client.waitFor(task.id, { signal: abort.signal }).catch((e: unknown) => ConnectError.from(e));
      expect((aborted as ConnectError).code).toBe(Code.Canceled);
    } finally {
      await client.tasks.cancelTask({ id: task.id });
      client.close();
    }
  });
});

describe("watch", () => {
  /** Fails WatchTask streams with UNAVAILABLE: the first `failures` calls after `after` messages. */
  function flakyWatch(failures: number, after: number): { interceptor: Interceptor; calls: () => number } {
    let calls = 0;
    const interceptor: Interceptor = (next) => async (req) => {
      if (req.method.name !== "WatchTask") return next(req);
      const res = await next(req);
      if (!res.stream || ++calls > failures) return res;
      const inner = res.message;
      return {
        ...res,
        message: (async function* () {
          let n = 0;
          for await (const m of inner) {
            if (n++ >= after) break;
            yield m;
          }
          throw new ConnectError("connection reset (injected)", Code.Unavailable);
        })(),
      };
    };
    return { interceptor, calls: () => calls };
  }

  it("reopens the stream once after UNAVAILABLE and still ends with the terminal snapshot", async () => {
    const flaky = flakyWatch(1, 1);
    const client = createTaskyardClient({ baseUrl: app.baseUrl, interceptors: [flaky.interceptor] });
    try {
      const task = await client.tasks.createTask(sleepTask(uniqueLabel()));
      const snapshots = await collect(client.watch(task.id));
      expect(flaky.calls()).toBe(2);
      expect(snapshots.at(-1)!.status).toBe(TaskStatus.COMPLETED);
    } finally {
      client.close();
    }
  });

  it("gives up with UNAVAILABLE when the reopened stream fails before any snapshot", async () => {
    const flaky = flakyWatch(5, 0);
    const client = createTaskyardClient({ baseUrl: app.baseUrl, interceptors: [flaky.interceptor] });
    try {
      const task = await client.tasks.createTask(sleepTask(uniqueLabel()));
      const err = await collect(client.watch(task.id)).catch((e: unknown) => ConnectError.from(e));
      expect((err as ConnectError).code).toBe(Code.Unavailable);
      expect(flaky.calls()).toBe(2);
    } finally {
      client.close();
    }
  });

  it("answers NOT_FOUND for an unknown task, without reconnecting", async () => {
    const client = createTaskyardClient({ baseUrl: app.baseUrl });
    const err = await collect(client.watch("01900000-0000-7000-8000-000000000000")).catch((e: unknown) => ConnectError.from(e));
    expect((err as ConnectError).code).toBe(Code.NotFound);
    client.close();
  });
});

describe("credentials", () => {
  it("sends the token (a string, or a function asked per call) as a Bearer credential", async () => {
    const seen: Array<string | null> = [];
    const spy: Interceptor = (next) => (req) => {
      seen.push(req.header.get("authorization"));
      return next(req);
    };
    let n = 0;
    const fixed = createTaskyardClient({ baseUrl: app.baseUrl, token: "key-1", interceptors: [spy] });
    const rotating = createTaskyardClient({ baseUrl: app.baseUrl, token: async () => `jwt-${++n}`, interceptors: [spy] });
    await fixed.tasks.listTasks({ pageSize: 1 });
    await rotating.tasks.listTasks({ pageSize: 1 });
    await rotating.tasks.listTasks({ pageSize: 1 });
    expect(seen).toEqual(["Bearer key-1", "Bearer jwt-1", "Bearer jwt-2"]);
    fixed.close();
    rotating.close();
  });
});

describe("taskyard/client/web", () => {
  it.each(["connect", "grpc-web"] as const)("drives the API over %s through fetch", async (protocol) => {
    const client = createWebClient({ baseUrl: app.baseUrl, protocol });
    const task = await client.tasks.createTask(sleepTask(uniqueLabel(), 2, 50));
    const done = await client.waitFor(task.id, { timeoutMs: 30_000 });
    expect(done.status).toBe(TaskStatus.COMPLETED);
    const snapshots = await collect(client.watch(task.id));
    expect(snapshots).toHaveLength(1); // already terminal: one snapshot, then the stream ends
  });

  it("bundles for the browser with no Node built-in in it", async () => {
    const result = await build({
      entryPoints: ["src/client/web.ts"],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((p) => p.includes("@connectrpc/connect-web"))).toBe(true);
    expect(inputs.filter((p) => p.startsWith("node:") || p.includes("connect-node"))).toEqual([]);
    expect(result.outputFiles[0]!.text).not.toMatch(/from\s*["']node:/);
  });
});

describe("the README example", () => {
  const README_HEADING = "## Using Taskyard from another service";

  function readmeExample(): string {
    const readme = readFileSync("README.md", "utf8");
    const section = readme.slice(readme.indexOf(README_HEADING));
    expect(section.startsWith(README_HEADING)).toBe(true);
    const match = /```ts\n([\s\S]*?)```/.exec(section);
    return match![1]!;
  }

  it("is examples/client.ts, ten lines that typecheck", async () => {
    const example = readmeExample();
    expect(example).toBe(readFileSync("examples/client.ts", "utf8"));
    expect(example.trimEnd().split("\n").length).toBeLessThanOrEqual(10);
    // Asynchronously: a blocked event loop would stall the API this process serves.
    const tsc = await promisify(execFile)(process.execPath, ["node_modules/typescript/bin/tsc", "--noEmit", "-p", "examples/tsconfig.json"], { encoding: "utf8" }).catch(
      (err: { stdout: string; stderr: string }) => err,
    );
    expect(tsc.stdout + tsc.stderr).toBe("");
  });

  it("runs as printed: creates demo.sleep, prints its progress, and ends COMPLETED", async () => {
    // The README's command: examples/tsconfig.json maps `taskyard/client` to src/client.
    const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "--tsconfig", "examples/tsconfig.json", "examples/client.ts"], {
      env: { ...process.env, TASKYARD_URL: app.baseUrl },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    mkdirSync("test-results/cli", { recursive: true });
    writeFileSync("test-results/cli/client-example.txt", `$ TASKYARD_URL=${app.baseUrl} npx tsx --tsconfig examples/tsconfig.json examples/client.ts\n${stdout}${stderr}`);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^created [0-9a-f-]{36}$/);
    expect(lines.some((l) => /^RUNNING [1-4]\/5 step \d of 5$/.test(l))).toBe(true);
    expect(lines).toContain("COMPLETED 5/5 step 5 of 5");
    expect(lines.at(-1)).toMatch(/^finished COMPLETED \{ steps: 5, step_ms: 400/);
  });
});
