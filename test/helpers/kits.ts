/**
 * Worker processes of both kits for the contract suite, started as users start them: the
 * TypeScript kit as `taskyard worker --handlers <module>`, the Python kit as
 * `python -m taskyard_worker --handlers <module>` from the project's venv (where `npm test`'s
 * bootstrap installed it). Each holds a worker credential and Taskyard's URL — no database.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { inject } from "vitest";
import { captureOutput } from "./processes.js";

export type Kit = "typescript" | "python";

export const PYTHON = path.resolve(".tools/venv/bin/python");

export interface KitProcess {
  child: ChildProcess;
  /** What it printed (stdout and stderr), for failure messages. */
  output(): string;
  /** Sends `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function startKitWorker(kit: Kit, options: { url: string; token: string; queues: string[] }): KitProcess {
  const env = {
    ...process.env,
    TASKYARD_URL: options.url,
    TASKYARD_TOKEN: options.token,
    TEMPORAL_ADDRESS: inject("temporalAddress"),
    TASKYARD_WORKER_QUEUES: options.queues.join(","),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "warn",
    DATABASE_URL: "",
  };
  const handlers = path.resolve(`test/fixtures/contract/handlers.${kit === "typescript" ? "ts" : "py"}`);
  if (kit === "python" && !existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: run \`npm test\` (its bootstrap installs the Python kit) or \`node scripts/bootstrap.mjs test\``);
  const child =
    kit === "typescript"
      ? spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "worker", "--handlers", handlers, "--queues", options.queues.join(",")], { env, stdio: ["ignore", "pipe", "pipe"] })
      : spawn(PYTHON, ["-m", "taskyard_worker", "--handlers", handlers, "--queues", options.queues.join(",")], { env, stdio: ["ignore", "pipe", "pipe"] });
  const output = captureOutput(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
    output,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
