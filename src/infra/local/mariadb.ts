// A private MariaDB instance for dev and tests: its own datadir, loopback TCP only.
//
// Decisions:
// - Grants stay ON (no --skip-grant-tables): the datadir is initialised with
//   --auth-root-authentication-method=normal, which creates root@127.0.0.1 (and @localhost, @::1)
//   without a password. Bound to 127.0.0.1 only, so that is safe, and CREATE USER / GRANT keep
//   working (they fail under --skip-grant-tables). --skip-name-resolve makes 127.0.0.1 match.
// - A server still running on the same datadir (pid file + live mariadbd whose command line names
//   this datadir — e.g. left behind by a SIGKILLed run) is STOPPED, then a fresh one is started.
//   Reusing it would hand out a server started with unknown options on an unknown port, whose
//   lifetime we do not own; InnoDB cannot open a datadir twice anyway.
// - Initialisation (mariadb-install-db, ~1 s) runs into a sibling temp dir that is renamed into
//   place, so an interrupted init never leaves a half-made datadir behind.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, rmdir, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import mysql from "mysql2/promise";
import { findMariaDbBinaries, LocalServiceError } from "./binaries.js";
import { describeExit, spawnManaged } from "./child-process.js";
import { freePort } from "./free-port.js";

export interface LocalMariaDbOptions {
  dataDir: string;
  /** 0 or undefined: pick a free port. */
  port?: number;
  database: string;
  logger?: { info(msg: string): void };
}

export interface LocalMariaDb {
  /** mysql://root@127.0.0.1:PORT/DATABASE */
  url: string;
  port: number;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 15_000;
/** Same value for install-db and the server, so the first start does not resize the redo log. */
const INNODB_LOG_FILE_SIZE = "48M";
const PID_FILE = "mysqld.pid";
const ERROR_LOG = "error.log";
const INIT_MARKER = "mysql"; // the system schema dir; complete once the temp dir is renamed in

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

export async function startLocalMariaDb(opts: LocalMariaDbOptions): Promise<LocalMariaDb> {
  const bins = findMariaDbBinaries();
  if (!bins) {
    throw new LocalServiceError(
      "MariaDB server binaries (mariadbd, mariadb-install-db) not found in MARIADB_BIN_DIR, PATH, /usr/sbin, /usr/bin: " +
        "run `node scripts/bootstrap.mjs dev` (or install mariadb-server 10.11+), or point DATABASE_URL at an existing server.",
    );
  }
  if (!/^[\w$-]{1,64}$/.test(opts.database)) throw new Error(`invalid database name ${JSON.stringify(opts.database)}`);
  const log = (msg: string) => opts.logger?.info(`mariadb: ${msg}`);
  const dataDir = path.resolve(opts.dataDir);
  await mkdir(path.dirname(dataDir), { recursive: true });

  await stopStaleServer(dataDir, log);
  await initDataDir(bins.installDb, dataDir, log);

  const pickPort = !opts.port;
  for (let attempt = 1; ; attempt++) {
    const port = opts.port || (await freePort());
    try {
      return await startServer(bins.mariadbd, dataDir, port, opts.database, log);
    } catch (err) {
      // A free port picked by us can be taken before mariadbd binds it: pick another.
      if (pickPort && attempt < 3 && err instanceof PortInUseError) {
        log(`port ${port} was taken, retrying`);
        continue;
      }
      throw err;
    }
  }
}

class PortInUseError extends Error {}

async function startServer(
  mariadbd: string,
  dataDir: string,
  port: number,
  database: string,
  log: (msg: string) => void,
): Promise<LocalMariaDb> {
  const errorLog = path.join(dataDir, ERROR_LOG);
  const logStart = await stat(errorLog).then((s) => s.size, () => 0);
  const args = [
    "--no-defaults", // must come first
    `--datadir=${dataDir}`,
    `--socket=${socketPath(dataDir)}`,
    `--port=${port}`,
    "--bind-address=127.0.0.1",
    "--skip-name-resolve",
    "--default-time-zone=+00:00",
    "--innodb-buffer-pool-size=256M",
    `--innodb-log-file-size=${INNODB_LOG_FILE_SIZE}`,
    "--innodb-flush-log-at-trx-commit=2",
    "--skip-log-bin",
    "--max-connections=500",
    "--character-set-server=utf8mb4",
    "--collation-server=utf8mb4_unicode_ci",
    `--pid-file=${path.join(dataDir, PID_FILE)}`,
    `--log-error=${errorLog}`,
    ...(isRoot() ? ["--user=root"] : []),
  ];
  const started = Date.now();
  const proc = spawnManaged(mariadbd, args);
  const logTail = async () => {
    const text = await readFile(errorLog, "utf8").catch(() => "");
    const lines = text.slice(logStart).trimEnd().split("\n");
    return [...lines.slice(-25), proc.outputTail().trim()].filter(Boolean).join("\n");
  };

  const deadline = started + READY_TIMEOUT_MS;
  let lastError: unknown;
  while (true) {
    if (proc.hasExited()) {
      const info = await proc.exited;
      const tail = await logTail();
      const msg = `mariadbd ${describeExit(info)} before accepting connections on 127.0.0.1:${port}; ${errorLog}:\n${tail}`;
      throw /Address already in use|Can't start server: Bind on TCP\/IP port/i.test(tail) ? new PortInUseError(msg) : new Error(msg);
    }
    if (Date.now() > deadline) {
      await proc.stop(STOP_GRACE_MS);
      throw new Error(`mariadbd did not accept connections on 127.0.0.1:${port} within ${READY_TIMEOUT_MS / 1000} s (last error: ${String(lastError)}); ${errorLog}:\n${await logTail()}`);
    }
    try {
      const conn = await mysql.createConnection({ host: "127.0.0.1", port, user: "root", connectTimeout: 2000 });
      try {
        await conn.query("SELECT 1");
        await conn.query(`CREATE DATABASE IF NOT EXISTS \`${database}\``);
      } finally {
        await conn.end().catch(() => {});
      }
      break;
    } catch (err) {
      lastError = err;
      await sleep(100);
    }
  }
  log(`ready on 127.0.0.1:${port} in ${Date.now() - started} ms (pid ${proc.child.pid}, datadir ${dataDir})`);
  return {
    url: `mysql://root@127.0.0.1:${port}/${database}`,
    port,
    stop: () => proc.stop(STOP_GRACE_MS),
  };
}

/** Unix socket paths are limited to ~107 bytes: fall back to the temp dir for deep datadirs. */
function socketPath(dataDir: string): string {
  const inDataDir = path.join(dataDir, "mysqld.sock");
  if (Buffer.byteLength(inDataDir) <= 100) return inDataDir;
  const hash = createHash("sha256").update(dataDir).digest("hex").slice(0, 16);
  return path.join(os.tmpdir(), `taskyard-mysqld-${hash}.sock`);
}

async function initDataDir(installDb: string, dataDir: string, log: (msg: string) => void): Promise<void> {
  if (existsSync(path.join(dataDir, INIT_MARKER))) return;
  const existing = await readdir(dataDir).catch(() => undefined);
  const leftovers = (existing ?? []).filter((f) => ![ERROR_LOG, PID_FILE, "mysqld.sock"].includes(f));
  if (leftovers.length > 0) {
    throw new Error(`${dataDir} is neither empty nor a MariaDB datadir (found ${leftovers.slice(0, 5).join(", ")}); remove it or choose another dataDir`);
  }
  await removeStaleInitDirs(dataDir);
  const tmp = `${dataDir}.init-${process.pid}-${Date.now().toString(36)}`;
  const started = Date.now();
  const proc = spawnManaged(installDb, [
    "--no-defaults",
    `--datadir=${tmp}`,
    "--auth-root-authentication-method=normal",
    "--skip-test-db",
    "--skip-name-resolve",
    ...(isRoot() ? ["--user=root"] : []),
    // passed through to the bootstrap mariadbd:
    `--innodb-log-file-size=${INNODB_LOG_FILE_SIZE}`,
    "--innodb-flush-log-at-trx-commit=0",
    "--skip-log-bin",
  ]);
  const info = await proc.exited;
  if (info.error || info.code !== 0) {
    await rm(tmp, { recursive: true, force: true });
    throw new Error(`${installDb} ${describeExit(info)}:\n${proc.outputTail().trim().split("\n").slice(-25).join("\n")}`);
  }
  if (existing) {
    for (const f of existing) await rename(path.join(dataDir, f), path.join(tmp, f));
    await rmdir(dataDir);
  }
  await rename(tmp, dataDir);
  log(`initialised ${dataDir} in ${Date.now() - started} ms`);
}

/** Temp dirs of interrupted initialisations (their process is gone). */
async function removeStaleInitDirs(dataDir: string): Promise<void> {
  const parent = path.dirname(dataDir);
  const prefix = `${path.basename(dataDir)}.init-`;
  for (const name of await readdir(parent).catch(() => [] as string[])) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split("-")[0]);
    if (Number.isInteger(pid) && pid > 0 && (pid === process.pid || isAlive(pid))) continue;
    await rm(path.join(parent, name), { recursive: true, force: true });
  }
}

/** Stops a mariadbd left running on this datadir by an earlier run. */
async function stopStaleServer(dataDir: string, log: (msg: string) => void): Promise<void> {
  const pidText = await readFile(path.join(dataDir, PID_FILE), "utf8").catch(() => undefined);
  const pid = Number(pidText?.trim());
  if (!pidText || !Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  const cmd = commandLine(pid);
  // Guard against pid reuse: only a mariadbd/mysqld serving exactly this datadir is ours to stop.
  if (!cmd || !/(mariadbd|mysqld)/.test(cmd) || !cmd.includes(`--datadir=${dataDir}`)) return;
  log(`stopping mariadbd pid ${pid} left running on ${dataDir}`);
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  const deadline = Date.now() + STOP_GRACE_MS;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      signal("SIGKILL");
      await sleep(200);
      break;
    }
    await sleep(100);
  }
}

/** Alive and not a zombie (an unreaped exited process still answers kill(pid, 0)). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  if (process.platform === "linux") {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      return !/^\d+ \(.*\) [ZX] /s.test(stat);
    } catch {
      return false;
    }
  }
  return true;
}

function commandLine(pid: number): string | undefined {
  if (process.platform === "linux") {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
    } catch {
      return undefined;
    }
  }
  const r = spawnSync("ps", ["-p", String(pid), "-o", "command="], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}
