// A child process (mariadbd, temporal) that must not outlive the Node process that started it.
//
// Two safety nets, because `process.on("exit")` alone misses SIGKILL, SIGTERM and Ctrl-C of the
// parent (Node's default signal handlers exit without running "exit" listeners; the children run
// in their own process group, so a terminal's SIGINT does not reach them — and mariadbd ignores
// SIGINT anyway):
//  1. a process "exit" listener sends SIGTERM (covers process.exit() and a normal end);
//  2. a tiny detached `sh` watchdog holds the read end of a pipe from us; when we die for any
//     reason the kernel closes the pipe, `read` returns, and the watchdog sends SIGTERM, then
//     SIGKILL 15 s later if the child is still there. It is killed as soon as the child exits.
import { spawn, type ChildProcess } from "node:child_process";
import type { Socket } from "node:net";

const WATCHDOG = `read _ignored
kill -TERM "$1" 2>/dev/null || exit 0
i=0
while kill -0 "$1" 2>/dev/null; do
  i=$((i + 1)); [ "$i" -ge 150 ] && { kill -KILL "$1" 2>/dev/null; exit 0; }
  sleep 0.1
done`;

const TAIL_CHARS = 16_000;

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

export interface ManagedChild {
  readonly child: ChildProcess;
  /** Resolves (never rejects) once the process has exited or failed to spawn. */
  readonly exited: Promise<ExitInfo>;
  hasExited(): boolean;
  /** The last ~16 kB of stdout + stderr. */
  outputTail(): string;
  /** SIGTERM, then SIGKILL after `graceMs` (0: SIGKILL at once); resolves when the process is gone. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

export function spawnManaged(command: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ManagedChild {
  // Own process group: a terminal's Ctrl-C reaches only the parent, which then stops its services
  // in its own order (e.g. worker before Temporal); if the parent just dies, the watchdog steps in.
  const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"], detached: process.platform !== "win32" });
  let tail = "";
  const collect = (chunk: Buffer) => {
    tail = (tail + chunk.toString("utf8")).slice(-TAIL_CHARS);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);

  let done = false;
  let resolveExit!: (info: ExitInfo) => void;
  const exited = new Promise<ExitInfo>((resolve) => (resolveExit = resolve));

  const killOnParentExit = () => {
    if (!done) child.kill("SIGTERM");
  };
  process.on("exit", killOnParentExit);

  let watchdog: ChildProcess | undefined;
  if (child.pid !== undefined && process.platform !== "win32") {
    watchdog = spawn("/bin/sh", ["-c", WATCHDOG, "taskyard-watchdog", String(child.pid)], {
      detached: true, // own process group: a Ctrl-C aimed at us must not kill the watchdog first
      stdio: ["pipe", "ignore", "ignore"],
    });
    watchdog.on("error", () => {}); // no /bin/sh: only the "exit" listener remains
    watchdog.stdin?.on("error", () => {});
    watchdog.unref();
    (watchdog.stdin as unknown as Socket | null)?.unref();
  }

  const finish = (info: ExitInfo) => {
    if (done) return;
    done = true;
    process.removeListener("exit", killOnParentExit);
    if (watchdog && watchdog.exitCode === null && watchdog.signalCode === null) watchdog.kill("SIGKILL");
    resolveExit(info);
  };
  child.once("exit", (code, signal) => finish({ code, signal }));
  child.once("error", (error) => {
    // Spawn failures (ENOENT, EACCES) emit "error" and no "exit".
    if (child.pid === undefined) finish({ code: null, signal: null, error });
  });

  let stopping: Promise<void> | undefined;
  return {
    child,
    exited,
    hasExited: () => done,
    outputTail: () => tail,
    stop(graceMs = 15_000) {
      stopping ??= (async () => {
        if (done) return;
        child.kill(graceMs > 0 ? "SIGTERM" : "SIGKILL");
        const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

/** Readable summary of how a process ended, e.g. "exited with code 1" or "killed by SIGKILL". */
export function describeExit(info: ExitInfo): string {
  if (info.error) return `could not start: ${info.error.message}`;
  return info.signal ? `killed by ${info.signal}` : `exited with code ${info.code}`;
}
