/**
 * The client commands (`taskyard tasks|queues|types|completion`) as a user runs them: the CLI as
 * a subprocess against the real server over gRPC — tables and --json, every ListTasks filter,
 * exit codes of wait and watch, errors in words with the gRPC code, TLS and credentials — and
 * `tasks watch` inside a pseudo-terminal (util-linux `script`), its bars captured to
 * test-results/cli/watch.txt.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import type { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildProgram } from "../../src/commands/client/program.js";
import { QueueService } from "../../src/gen/taskyard/v1/queue_service_pb.js";
import { createApiKey } from "../helpers/auth.js";
import { startTestApp, uniqueLabel, waitFor, type TestApp } from "../helpers/app.js";

// Each CLI run is a Node process (about 2 s of CPU with tsx); on a busy 2-core box a test of ten
// of them needs more than the integration default.
vi.setConfig({ testTimeout: 240_000 });

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ worker: true });
});
afterAll(async () => {
  await app?.stop();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const CLI = [process.execPath, "--import", "tsx", "src/cli.ts"] as const;

/** `taskyard <args>` against the test app (TASKYARD_ADDRESS), stdout and stderr kept apart. */
function taskyard(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const child = spawn(CLI[0], [...CLI.slice(1), ...args], {
    env: { ...process.env, TASKYARD_ADDRESS: app.baseUrl, TASKYARD_TOKEN: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
}

const sleepTask = (project: string, extra: Record<string, unknown> = {}) =>
  app.grpc.createTask({ task: { type: "demo.sleep", project, params: { steps: 2, step_ms: 50 }, ...extra } });

describe("tasks create, get, list, cancel, events", () => {
  it("creates with params, labels and tags, reads it back as a table and as JSON, finds it by every filter, cancels it and shows its history", async () => {
    const project = uniqueLabel();
    const run = uniqueLabel();
    const dir = mkdtempSync(path.join(os.tmpdir(), "taskyard-cli-"));
    const paramsFile = path.join(dir, "params.json");
    writeFileSync(paramsFile, JSON.stringify({ steps: 2, step_ms: 1000 }));
    const created = await taskyard([
      "tasks", "create", "--type", "demo.sleep", "--params-file", paramsFile,
      "--param", "steps=600", "--param", "note=hello world", "--param", "flag=true", "--param", "ids=[1,2]",
      "--label", "asset=a1", "--label", `run=${run}`, "--tag", "cli,t1", "--priority", "80",
      "--project", project, "--name", "render a1", "-q",
    ]);
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    const id = created.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f-]{27}$/);

    const [table, asJson, byFields, byFilter, none, listJson] = await Promise.all([
      taskyard(["tasks", "get", id]),
      taskyard(["tasks", "get", id, "--json"]),
      taskyard(["tasks", "list", "--project", project, "--label", `run=${run}`, "--status", "queued,running", "--tag", "t1", "--type", "demo.sleep", "--search", "render"]),
      taskyard(["tasks", "list", "--filter", `labels.run = "${run}" AND priority >= 75`, "--order-by", "create_time desc", "--page-size", "5"]),
      taskyard(["tasks", "list", "--project", project, "--status", "COMPLETED"]),
      taskyard(["--json", "tasks", "list", "--project", project]),
    ]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`^ID: +${id}$`, "m"));
    expect(table.stdout).toMatch(/^Name: +render a1$/m);
    expect(table.stdout).toMatch(new RegExp(`^Labels: +asset=a1, run=${run}$`, "m"));
    expect(table.stdout).toMatch(/^Tags: +cli, t1$/m);
    expect(table.stdout).toMatch(/^Priority: +80$/m);

    const task = JSON.parse(asJson.stdout);
    expect(task).toMatchObject({ id, name: "render a1", project, priority: 80, labels: { asset: "a1", run }, tags: ["cli", "t1"] });
    // --param values are JSON when they parse and win over --params-file.
    expect(task.params).toEqual({ steps: 600, step_ms: 1000, note: "hello world", flag: true, ids: [1, 2] });
    expect(task.status).toMatch(/^TASK_STATUS_(QUEUED|RUNNING)$/);

    expect(byFields.code).toBe(0);
    expect(byFields.stdout).toContain(id);
    expect(byFields.stdout).toMatch(/^ID +NAME +TYPE +STATUS +PROGRESS +QUEUE +PRIORITY +CREATED$/m);
    expect(byFields.stdout).toContain("1 of 1\n");
    expect(byFilter.stdout).toContain(id);
    expect(none.stdout).toContain("no tasks match");
    const page = JSON.parse(listJson.stdout);
    expect(page.tasks.map((t: { id: string }) => t.id)).toEqual([id]);
    expect(page.totalSize).toBe(1);

    const cancelled = await taskyard(["tasks", "cancel", id, "--reason", "from the cli test"]);
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toMatch(new RegExp(`^${id}  CANCELL(ING|ED) \\(USER_ABORT\\)$`, "m"));
    const waited = await taskyard(["tasks", "wait", id]);
    expect(waited.code).toBe(1); // CANCELLED
    expect(waited.stdout).toMatch(new RegExp(`^${id} +CANCELLED`, "m"));

    const [events, eventsJson] = await Promise.all([taskyard(["tasks", "events", id]), taskyard(["tasks", "events", id, "--json"])]);
    expect(events.stdout).toMatch(/^SEQ +TIME +FROM +TO +REASON +ACTOR +ATTEMPT +MESSAGE$/m);
    expect(events.stdout).toMatch(/ QUEUED +CREATED /);
    expect(events.stdout).toMatch(/ CANCELLED +USER_ABORT /);
    const history = JSON.parse(eventsJson.stdout).events;
    expect(history[0].reason).toBe("CREATED");
    expect(history.at(-1).toStatus).toBe("TASK_STATUS_CANCELLED");
  });

  it("leaves a task PENDING with --no-start, and retries a cancelled task as its next attempt", async () => {
    const project = uniqueLabel();
    const created = await taskyard(["tasks", "create", "--type", "demo.sleep", "--param", "steps=1", "--project", project, "--no-start", "--json"]);
    expect(created.code).toBe(0);
    const task = JSON.parse(created.stdout);
    expect(task.status).toBe("TASK_STATUS_PENDING");
    await taskyard(["tasks", "cancel", task.id]);
    const retried = await taskyard(["tasks", "retry", task.id, "--reason", "again"]);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toMatch(new RegExp(`^${task.id}  QUEUED.*attempt 2$`, "m"));
  });
});

describe("tasks wait and watch exit with the outcome", () => {
  it("wait: 0 when COMPLETED, 1 when FAILED, 3 when COMPLETED_WITH_ERRORS, 4 on --timeout", async () => {
    const project = uniqueLabel();
    const ok = await sleepTask(project);
    const failed = await app.grpc.createTask({ task: { type: "demo.fail", project, maxAttempts: 1, params: { code: "PROBE_FAILED" } } });
    const partial = await app.grpc.createTask({ task: { type: "demo.partial", project, params: { items: 6, fail_every: 3 } } });
    const slow = await sleepTask(project, { params: { steps: 100, step_ms: 1000 } });
    const [a, b, c, d] = await Promise.all([
      taskyard(["tasks", "wait", ok.id]),
      taskyard(["tasks", "wait", failed.id]),
      taskyard(["tasks", "wait", partial.id, "--json"]),
      taskyard(["tasks", "wait", slow.id, "--timeout", "1s"]),
    ]);
    await app.grpc.cancelTask({ id: slow.id });
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(new RegExp(`^${ok.id} +COMPLETED +2/2 100%`, "m"));
    expect(b.code).toBe(1);
    expect(b.stdout).toMatch(new RegExp(`^${failed.id} +FAILED .*PROBE_FAILED: `, "m"));
    expect(c.code).toBe(3);
    expect(JSON.parse(c.stdout).status).toBe("TASK_STATUS_COMPLETED_WITH_ERRORS");
    expect(d.code).toBe(4);
    expect(d.stderr).toContain("not every task finished within 1s");
  });

  it("watch without a terminal: plain lines per change, a summary, exit 1 when one FAILED", async () => {
    const project = uniqueLabel();
    const ok = await sleepTask(project, { params: { steps: 4, step_ms: 400 } });
    const failed = await app.grpc.createTask({ task: { type: "demo.fail", project, maxAttempts: 1 } });
    const res = await taskyard(["tasks", "watch", ok.id, failed.id]);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(new RegExp(`^${ok.id}  COMPLETED  4/4 100%  step 4 of 4$`, "m"));
    expect(res.stdout).toMatch(new RegExp(`^${failed.id}  FAILED  DEMO_FAILURE: demo failure DEMO_FAILURE$`, "m"));
    expect(res.stdout).toContain("2 tasks: ");
    expect(res.stdout).toMatch(/1 COMPLETED/);
    expect(res.stdout).toMatch(/1 FAILED/);
  });

  it("watch --filter --json: NDJSON snapshots of the tasks the filter selects, exit 0 when all COMPLETED", async () => {
    const batch = uniqueLabel();
    const tasks = await Promise.all([0, 1].map(() => sleepTask(uniqueLabel(), { labels: { batch }, params: { steps: 3, step_ms: 200 } })));
    const res = await taskyard(["tasks", "watch", "--filter", `labels.batch = "${batch}"`, "--json"]);
    expect(res.code).toBe(0);
    const snapshots = res.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(new Set(snapshots.map((s) => s.id))).toEqual(new Set(tasks.map((t) => t.id)));
    for (const t of tasks) expect(snapshots.filter((s) => s.id === t.id).at(-1).status).toBe("TASK_STATUS_COMPLETED");
  });

  it("watch ends with 130 on Ctrl-C (SIGINT), leaving the task running", async () => {
    const task = await sleepTask(uniqueLabel(), { params: { steps: 100, step_ms: 1000 } });
    const child = spawn(CLI[0], [...CLI.slice(1), "tasks", "watch", task.id], { env: { ...process.env, TASKYARD_ADDRESS: app.baseUrl }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    await waitFor(async () => out, (o) => o.includes(task.id) || child.exitCode !== null, 60_000);
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect((await app.grpc.getTask({ id: task.id })).cancellable).toBe(true);
    await app.grpc.cancelTask({ id: task.id });
  });

  it("watch in a terminal draws one bar per task rising to 100 %, and exits 0 (capture in test-results/cli/watch.txt)", async () => {
    expect(spawnSync("script", ["--version"]).status).toBe(0); // util-linux script
    const project = uniqueLabel();
    const a = await app.grpc.createTask({ task: { type: "demo.sleep", name: "render-a1", project, params: { steps: 10, step_ms: 250 } }, start: false });
    const b = await app.grpc.createTask({ task: { type: "demo.sleep", name: "encode-b2", project, params: { steps: 6, step_ms: 400 } }, start: false });
    const command = [...CLI, "tasks", "watch", a.id, b.id, "--address", app.baseUrl].join(" ");
    const child = spawn("script", ["-qfec", command, "/dev/null"], { env: { ...process.env, TASKYARD_TOKEN: "" }, stdio: ["ignore", "pipe", "pipe"] });
    let raw = "";
    child.stdout.on("data", (d) => (raw += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    // Queue them once the bars show them PENDING, so the capture starts at 0 %.
    await waitFor(async () => raw, (r) => (r.match(/PENDING/g) ?? []).length >= 2 || child.exitCode !== null, 30_000);
    const queues = app.client(QueueService);
    await Promise.all([a, b].map((t) => queues.enqueueTask({ name: "default", taskId: t.id })));
    const code = await exited;

    const frames = screens(raw);
    mkdirSync("test-results/cli", { recursive: true });
    writeFileSync("test-results/cli/watch.ansi", raw);
    writeFileSync(
      "test-results/cli/watch.txt",
      `$ taskyard tasks watch ${a.id} ${b.id}\n(${frames.length} screens as the terminal showed them; raw bytes in watch.ansi)\n\n${frames.join("\n\n")}\n`,
    );
    expect(code).toBe(0);
    const last = frames.at(-1)!;
    expect(last).toMatch(/render-a1 +\w{8} █{24} 100% 10\/10 COMPLETED step 10 of 10/);
    expect(last).toMatch(/encode-b2 +\w{8} █{24} 100% 6\/6 COMPLETED step 6 of 6/);
    expect(last).toContain("2 tasks: 2 COMPLETED");
    // The bars rose through the middle, not just jumped to the end.
    expect(frames.some((f) => /render-a1 .* ([1-9]\d)% [1-9]\/10 RUNNING/.test(f))).toBe(true);
    expect(frames.some((f) => /render-a1 .* 0% .*PENDING/.test(f))).toBe(true);
  });
});

/**
 * The screens a terminal showed for `raw` (what cli-progress wrote): each redraw starts with a
 * cursor-up, so the screen before it is one frame. Handles the few sequences cli-progress uses.
 */
function screens(raw: string): string[] {
  const lines: string[] = [""];
  let row = 0;
  let col = 0;
  const frames: string[] = [];
  const snap = () => {
    const text = lines.map((l) => l.trimEnd()).join("\n").trim();
    if (text && frames.at(-1) !== text) frames.push(text);
  };
  for (const m of raw.matchAll(/\x1b\[(\??)(\d*)([A-Za-z])|\r|\n|[^\x1b\r\n]+/g)) {
    const tok = m[0];
    if (tok === "\r") col = 0;
    else if (tok === "\n") {
      row++;
      lines[row] ??= "";
    } else if (m[3] !== undefined) {
      if (m[1]) continue; // ?25l, ?7l …: cursor and wrapping modes
      const n = Number(m[2] || 1);
      if (m[3] === "A") {
        snap();
        row = Math.max(0, row - n);
      } else if (m[3] === "G") col = n - 1;
      else if (m[3] === "K") lines[row] = lines[row]!.slice(0, col);
    } else {
      const line = lines[row]!.padEnd(col);
      lines[row] = line.slice(0, col) + tok + line.slice(col + tok.length);
      col += tok.length;
    }
  }
  snap();
  return frames;
}

describe("queues", () => {
  it("pause, entries, move (--before, --after, --position), stats, list, get, resume", async () => {
    const name = uniqueLabel();
    const queues = app.client(QueueService);
    await queues.createQueue({ queue: { name } });
    const paused = await taskyard(["queues", "pause", name]);
    expect(paused.stdout).toBe(`queue ${name} paused\n`);
    expect((await queues.getQueue({ name })).paused).toBe(true);

    const project = uniqueLabel();
    const ids: string[] = [];
    for (const n of ["a", "b", "c"]) ids.push((await app.grpc.createTask({ task: { type: "demo.sleep", name: n, project, queue: name } })).id);
    const order = async () => (await queues.listQueueEntries({ name })).entries.map((e) => ids.indexOf(e.taskId));

    const entries = await taskyard(["queues", "entries", name]);
    expect(entries.stdout).toMatch(/^POSITION +TASK ID +PRIORITY +TYPE +NAME +ENQUEUED$/m);
    expect([...entries.stdout.matchAll(/^(\d) +(\S+) /gm)].map((m) => [m[1], ids.indexOf(m[2]!)])).toEqual([["0", 0], ["1", 1], ["2", 2]]);

    const before = await taskyard(["queues", "move", name, ids[2]!, "--before", ids[0]!]);
    expect(before.stdout).toBe(`task ${ids[2]} is at position 0 of queue ${name}\n`);
    expect(await order()).toEqual([2, 0, 1]);
    const after = await taskyard(["queues", "move", name, ids[2]!, "--after", ids[1]!, "--json"]);
    expect(JSON.parse(after.stdout)).toEqual({ position: 2 });
    expect(await order()).toEqual([0, 1, 2]);
    const place = await taskyard(["queues", "move", name, ids[1]!, "--position", "0"]);
    expect(place.code).toBe(0);
    expect(await order()).toEqual([1, 0, 2]);
    const front = await taskyard(["queues", "move", name, ids[2]!, "--position", "front"]);
    expect(front.stdout).toContain("is at position 0");
    expect(await order()).toEqual([2, 1, 0]);

    const [stats, statsJson, list, get, noTarget] = await Promise.all([
      taskyard(["queues", "stats", name]),
      taskyard(["queues", "stats", name, "--json"]),
      taskyard(["queues", "list", "--page-size", "500"]),
      taskyard(["queues", "get", name, "--json"]),
      taskyard(["queues", "move", name, ids[0]!]),
    ]);
    expect(stats.stdout).toMatch(/^Queued: +3$/m);
    expect(stats.stdout).toMatch(new RegExp(`^${project} +0 +3$`, "m"));
    expect(JSON.parse(statsJson.stdout)).toMatchObject({ name, queued: "3" });
    expect(list.stdout).toMatch(/^NAME +PAUSED +CONCURRENCY/m);
    expect(list.stdout).toMatch(new RegExp(`^${name} +yes `, "m"));
    expect(JSON.parse(get.stdout)).toMatchObject({ name, paused: true });
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toContain("give exactly one of --before, --after, --position");

    await app.grpc.batchCancelTasks({ ids });
    const resumed = await taskyard(["queues", "resume", name]);
    expect(resumed.stdout).toBe(`queue ${name} resumed\n`);
    expect((await queues.getQueue({ name })).paused).toBe(false);
  });
});

describe("types list", () => {
  it("shows the registered types with their workers, as a table and as JSON", async () => {
    const [table, asJson] = await Promise.all([taskyard(["types", "list"]), taskyard(["types", "list", "--json"])]);
    expect(table.stdout).toMatch(/^TYPE +WORKERS +QUEUES +LAST SEEN +DESCRIPTION$/m);
    expect(table.stdout).toMatch(/^demo\.sleep +[1-9]\d* +\S*default/m);
    const types = JSON.parse(asJson.stdout).taskTypes.map((t: { type: string }) => t.type);
    expect(types).toEqual(expect.arrayContaining(["demo.sleep", "demo.fail", "demo.partial"]));
  });
});

describe("errors", () => {
  it("says what failed with the gRPC code (exit 1), and what is wrong with the command line (exit 2)", async () => {
    const unknown = "01900000-0000-7000-8000-000000000000";
    const [notFound, badId, badFlag, noType, badStatus, unreachable] = await Promise.all([
      taskyard(["tasks", "get", unknown]),
      taskyard(["tasks", "get", "nope"]),
      taskyard(["tasks", "list", "--bogus"]),
      taskyard(["tasks", "create"]),
      taskyard(["tasks", "list", "--status", "sleeping"]),
      taskyard(["tasks", "list", "--address", "http://127.0.0.1:9"]),
    ]);
    expect(notFound).toEqual({ code: 1, stdout: "", stderr: `taskyard: NOT_FOUND: task "${unknown}" not found\n` });
    expect(badId.code).toBe(1);
    expect(badId.stderr).toMatch(/^taskyard: INVALID_ARGUMENT: id: must be a task id/);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/^taskyard: unknown option '--bogus'/);
    expect(noType.code).toBe(2);
    expect(noType.stderr).toContain("required option '--type <type>' not specified");
    expect(badStatus.code).toBe(2);
    expect(badStatus.stderr).toContain('unknown status "sleeping"');
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^taskyard: UNAVAILABLE: .*(ECONNREFUSED|127\.0\.0\.1:9)/);
  });
});

describe("help and completion", () => {
  const leaves = (cmd: Command, prefix: string[] = []): Array<{ path: string[]; cmd: Command }> =>
    cmd.commands.filter((c) => c.name() !== "help").flatMap((c) => [{ path: [...prefix, c.name()], cmd: c }, ...leaves(c, [...prefix, c.name()])]);

  it("has --help with a description on every command, the global flags on each, exit codes on watch and wait", async () => {
    const program = buildProgram({ action: () => async () => undefined, print: () => undefined }, {});
    const all = leaves(program);
    expect(all.map((c) => c.path.join(" "))).toEqual(
      expect.arrayContaining(["tasks create", "tasks get", "tasks list", "tasks watch", "tasks wait", "tasks cancel", "tasks retry", "tasks events", "queues list", "queues get", "queues stats", "queues pause", "queues resume", "queues entries", "queues move", "types list", "completion bash", "completion zsh"]),
    );
    for (const { path: p, cmd } of all) {
      expect(cmd.description(), p.join(" ")).not.toBe("");
      const help = cmd.helpInformation();
      expect(help).toContain(`Usage: taskyard ${p.join(" ")}`);
      expect(help).toContain("--address <url>");
    }
    const watchHelp = await taskyard(["tasks", "watch", "--help"]);
    expect(watchHelp.code).toBe(0);
    expect(watchHelp.stdout).toContain("Exit codes:");
    expect(watchHelp.stdout).toMatch(/^ {2}3 +none FAILED or CANCELLED, but some COMPLETED_WITH_ERRORS$/m);
  });

  it("completes commands and flags in bash from the generated script", async () => {
    const script = (await taskyard(["completion", "bash"])).stdout;
    const complete = (words: string[]) =>
      spawnSync("bash", ["-c", `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _taskyard; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: "utf8" }).stdout.trim().split("\n");
    expect(complete(["taskyard", ""])).toEqual(expect.arrayContaining(["tasks", "queues", "types", "completion", "serve", "worker"]));
    expect(complete(["taskyard", "ta"])).toEqual(["tasks"]);
    expect(complete(["taskyard", "tasks", "w"]).sort()).toEqual(["wait", "watch"]);
    expect(complete(["taskyard", "queues", "move", "--b"]).sort()).toEqual(["--backward", "--before"]);
    // The value after a flag that takes one is skipped: still completing `tasks create`'s flags.
    expect(complete(["taskyard", "--address", "http://x", "tasks", "create", "--type", "demo.sleep", "--par"]).sort()).toEqual(["--param", "--params-file"]);
    const zsh = (await taskyard(["completion", "zsh"])).stdout;
    expect(zsh.startsWith("#compdef taskyard\n")).toBe(true);
    expect(zsh).toContain(`"taskyard queues move") cands=(`);
    expect(zsh).toContain("'--before:just before this task (same queue and priority)'");
    const zshBin = spawnSync("sh", ["-c", "command -v zsh"], { encoding: "utf8" }).stdout.trim();
    if (zshBin) expect(spawnSync(zshBin, ["-n", "-c", zsh]).status).toBe(0);
  });
});

describe("credentials and TLS", () => {
  let authApp: TestApp;
  let proxy: net.Server;
  let certDir: string;
  beforeAll(async () => {
    authApp = await startTestApp({ worker: false, env: { TASKYARD_AUTH_MODE: "on" } });
    // A TLS terminator in front of the plaintext test app (as an ingress would be), with a
    // self-signed certificate for 127.0.0.1; it offers h2 and http/1.1 and passes bytes through.
    certDir = mkdtempSync(path.join(os.tmpdir(), "taskyard-tls-"));
    const gen = spawnSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", `${certDir}/key.pem`, "-out", `${certDir}/cert.pem`, "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"], { encoding: "utf8" });
    expect(gen.status).toBe(0);
    const target = new URL(app.baseUrl);
    proxy = tls.createServer({ key: readFileSync(`${certDir}/key.pem`), cert: readFileSync(`${certDir}/cert.pem`), ALPNProtocols: ["h2", "http/1.1"] }, (socket) => {
      const upstream = net.connect(Number(target.port), target.hostname);
      socket.pipe(upstream).pipe(socket);
      const end = () => (socket.destroy(), upstream.destroy());
      socket.on("error", end).on("close", end);
      upstream.on("error", end).on("close", end);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    await authApp?.stop();
    await new Promise((resolve) => proxy?.close(resolve));
  });

  it("sends --token or TASKYARD_TOKEN; without one the server's UNAUTHENTICATED is explained", async () => {
    const { token } = await createApiKey(authApp.dataSource, "default", "operator");
    const [none, byFlag, byEnv] = await Promise.all([
      taskyard(["tasks", "list", "--page-size", "1", "--address", authApp.baseUrl]),
      taskyard(["tasks", "list", "--page-size", "1", "--address", authApp.baseUrl, "--token", token]),
      taskyard(["tasks", "list", "--page-size", "1"], { TASKYARD_ADDRESS: authApp.baseUrl, TASKYARD_TOKEN: token }),
    ]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^taskyard: UNAUTHENTICATED: .*\(set --token or TASKYARD_TOKEN\)\n$/);
    expect(byFlag.code).toBe(0);
    expect(byFlag.stdout).toMatch(/ of \d+/);
    expect(byEnv.code).toBe(0);
  });

  it("speaks TLS: trusts --ca-cert, refuses an unknown CA, accepts anything with --insecure-skip-verify; gRPC and Connect", async () => {
    const task = await sleepTask(uniqueLabel());
    const { port } = proxy.address() as AddressInfo;
    const https = `https://127.0.0.1:${port}`;
    const ca = `${certDir}/cert.pem`;
    const [trusted, viaTlsFlag, untrusted, skip, connect] = await Promise.all([
      taskyard(["tasks", "get", task.id, "--address", https, "--ca-cert", ca, "--json"]),
      taskyard(["tasks", "get", task.id, "--address", `http://127.0.0.1:${port}`, "--tls", "--ca-cert", ca, "--json"]),
      taskyard(["tasks", "get", task.id, "--address", https]),
      taskyard(["tasks", "get", task.id, "--address", https, "--insecure-skip-verify", "--json"]),
      taskyard(["tasks", "get", task.id, "--address", https, "--ca-cert", ca, "--protocol", "connect", "--json"]),
    ]);
    for (const ok of [trusted, viaTlsFlag, skip, connect]) {
      expect(ok.stderr).toBe("");
      expect(JSON.parse(ok.stdout).id).toBe(task.id);
    }
    expect(untrusted.code).toBe(1);
    // connect-node reports a failed certificate check as INTERNAL; the CLI says what to do.
    expect(untrusted.stderr).toMatch(/^taskyard: (INTERNAL|UNAVAILABLE): self[- ]signed certificate \(TLS: trust the server's CA with --ca-cert/);
  });
});
