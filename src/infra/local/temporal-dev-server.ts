// A local Temporal server for dev and tests: `temporal server start-dev` as a child process.
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { Connection } from "@temporalio/client";
import { describeExit, spawnManaged, type ManagedChild } from "./child-process.js";
import { freePort } from "./free-port.js";

export type SearchAttributeType = "Keyword" | "Text" | "Int" | "Double" | "Bool" | "Datetime" | "KeywordList";

export interface TemporalDevServerOptions {
  /** The temporal CLI, e.g. from findTemporalCli(). */
  binary: string;
  /** 0 or undefined: pick a free port. */
  port?: number;
  /** 0 or undefined: pick a free port (ignored when headless). */
  uiPort?: number;
  headless?: boolean;
  /** SQLite file for state that survives restarts; omitted = in memory. */
  dbFilename?: string;
  /** Created at launch (besides "default", which always exists). Default "default". */
  namespace?: string;
  /** Registered at launch, e.g. { TaskyardQueue: "Keyword" }. */
  searchAttributes?: Record<string, SearchAttributeType>;
  /** `--dynamic-config-value K=JSON`, e.g. { "matching.enableFairness": true }. */
  dynamicConfig?: Record<string, unknown>;
  logger?: { info(msg: string): void };
}

export interface TemporalDevServer {
  /** 127.0.0.1:PORT */
  address: string;
  uiUrl?: string;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 15_000;

export async function startTemporalDevServer(opts: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const log = (msg: string) => opts.logger?.info(`temporal: ${msg}`);
  const namespace = opts.namespace ?? "default";
  for (const name of Object.keys(opts.searchAttributes ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`search attribute name ${JSON.stringify(name)} is not an identifier`);
  }
  for (let attempt = 1; ; attempt++) {
    const port = opts.port || (await freePort());
    const uiPort = opts.headless ? undefined : opts.uiPort || (await freePort());
    try {
      return await start(opts, namespace, port, uiPort, log);
    } catch (err) {
      // A free port picked by us — or one of the internal ports (history, matching, HTTP, metrics)
      // the dev server picks for itself — can be taken before it is bound; the server then panics
      // at start-up. Such a death is cheap to retry; a server that cannot start fails three times.
      if (attempt < 3 && err instanceof DiedBeforeReadyError) {
        log(`died before it was ready (attempt ${attempt}), retrying: ${err.firstLine}`);
        continue;
      }
      throw err;
    }
  }
}

async function start(
  opts: TemporalDevServerOptions,
  namespace: string,
  port: number,
  uiPort: number | undefined,
  log: (msg: string) => void,
): Promise<TemporalDevServer> {
  const address = `127.0.0.1:${port}`;
  const args = ["server", "start-dev", "--ip", "127.0.0.1", "--port", String(port)];
  args.push(...(uiPort === undefined ? ["--headless"] : ["--ui-port", String(uiPort)]));
  if (namespace !== "default") args.push("--namespace", namespace);
  for (const [name, type] of Object.entries(opts.searchAttributes ?? {})) args.push("--search-attribute", `${name}=${type}`);
  for (const [key, value] of Object.entries(opts.dynamicConfig ?? {})) args.push("--dynamic-config-value", `${key}=${JSON.stringify(value)}`);
  if (opts.dbFilename) args.push("--db-filename", opts.dbFilename);
  args.push("--log-level", "warn");

  const started = Date.now();
  const proc = spawnManaged(opts.binary, args);
  try {
    await waitUntilReady(proc, address, namespace, Object.keys(opts.searchAttributes ?? {}));
  } catch (err) {
    await proc.stop(STOP_GRACE_MS);
    throw err;
  }
  const uiUrl = uiPort === undefined ? undefined : `http://127.0.0.1:${uiPort}`;
  log(`ready on ${address} in ${Date.now() - started} ms (pid ${proc.child.pid}${uiUrl ? `, UI ${uiUrl}` : ""})`);
  // A graceful shutdown takes ~1.5 s; with in-memory state there is nothing to save, so kill at once.
  const stop = () => proc.stop(opts.dbFilename ? STOP_GRACE_MS : 0);
  return { address, uiUrl, stop };
}

async function waitUntilReady(proc: ManagedChild, address: string, namespace: string, searchAttributes: string[]): Promise<void> {
  const [host, portText] = address.split(":") as [string, string];
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const died = async () => {
    const info = await proc.exited;
    return new DiedBeforeReadyError(`temporal server start-dev ${describeExit(info)} before it was ready on ${address}`, proc.outputTail());
  };
  // 1. The port accepts TCP (cheap to poll; a gRPC connect attempt on a closed port waits for its timeout).
  while (!(await canConnect(host, Number(portText)))) {
    if (proc.hasExited()) throw await died();
    if (Date.now() > deadline) throw new Error(`temporal server start-dev did not open ${address} within ${READY_TIMEOUT_MS / 1000} s; output:\n${tail(proc)}`);
    await sleep(50);
  }
  // 2. The frontend answers, the namespace exists and the search attributes are registered.
  let lastError: unknown;
  while (true) {
    if (proc.hasExited()) throw await died();
    if (Date.now() > deadline) {
      throw new Error(`temporal server start-dev on ${address} not ready within ${READY_TIMEOUT_MS / 1000} s (last error: ${String(lastError)}); output:\n${tail(proc)}`);
    }
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 2000 });
      await connection.workflowService.getSystemInfo({});
      await connection.workflowService.describeNamespace({ namespace });
      if (searchAttributes.length > 0) {
        const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
        const missing = searchAttributes.filter((name) => !(name in (customAttributes ?? {})));
        if (missing.length > 0) throw new Error(`search attributes not registered yet: ${missing.join(", ")}`);
      }
      return;
    } catch (err) {
      lastError = err;
      await sleep(100);
    } finally {
      await connection?.close().catch(() => {});
    }
  }
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.setTimeout(1000, () => done(false));
  });
}

function tail(proc: ManagedChild): string {
  return excerpt(proc.outputTail());
}

/** The head (a Go panic's reason comes first, its goroutine dump after) and the tail of the output. */
function excerpt(output: string): string {
  const lines = output.trimEnd().split("\n");
  if (lines.length <= 40) return lines.join("\n");
  return [...lines.slice(0, 15), `… (${lines.length - 40} lines) …`, ...lines.slice(-25)].join("\n");
}

class DiedBeforeReadyError extends Error {
  /** The first line that names the failure (e.g. `panic: … address already in use`). */
  readonly firstLine: string;
  constructor(what: string, output: string) {
    super(`${what}; output:\n${excerpt(output)}`);
    this.firstLine = output.split("\n").find((line) => /panic|error|fatal/i.test(line))?.trim() ?? "(no output)";
  }
}
