/**
 * Taskyard roles as separate OS processes, for fault tests that kill them: `taskyard serve`
 * (API, dispatcher, reconciler, workflow host) on a port of its own, against the MariaDB and
 * Temporal the global setup started.
 */
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { testEnv, waitFor } from "./app.js";

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Keeps the last 20 KB a child printed (stdout and stderr), echoing it with TEST_VERBOSE. */
export function captureOutput(child: ChildProcess): () => string {
  let out = "";
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
    if (process.env.TEST_VERBOSE) process.stderr.write(d);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return () => out;
}

export interface ServeProcess {
  child: ChildProcess;
  baseUrl: string;
  output(): string;
  exited: Promise<number | null>;
}

/** Starts `taskyard serve` (authentication off unless `env` says otherwise) and waits until health answers. */
export async function startServeProcess(env: Record<string, string> = {}): Promise<ServeProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "serve"], {
    env: { ...process.env, ...testEnv({ TASKYARD_PORT: String(port), ...env }) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = captureOutput(child);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitFor(
    () => fetch(`${baseUrl}/grpc.health.v1.Health/Check`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }).then((r) => r.status, () => 0),
    (status) => status === 200 || child.exitCode !== null,
    60_000,
    200,
  );
  if (child.exitCode !== null) throw new Error(`taskyard serve exited with ${child.exitCode}:\n${output()}`);
  return { child, baseUrl, output, exited };
}
