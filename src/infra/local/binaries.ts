// Locates the MariaDB server and Temporal CLI binaries for the local dev/test services.
// KEEP IN STEP with scripts/lib/find-binaries.mjs (same search order, same rules): that copy
// runs in the bootstrap before node_modules exists and installs what this module looks for.
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const SYSTEM_DIRS = ["/usr/sbin", "/usr/bin"];
/** <repo>/.tools/venv/bin/temporal — three levels up from src/infra/local (and from dist/infra/local). */
const VENV_TEMPORAL = fileURLToPath(new URL("../../../.tools/venv/bin/temporal", import.meta.url));

type Env = Record<string, string | undefined>;

/** A local service cannot start because its program is missing: the message says what to do. */
export class LocalServiceError extends Error {}

function isExecutableFile(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const pathDirs = (env: Env): string[] => (env["PATH"] ?? "").split(path.delimiter).filter(Boolean);

function firstIn(dirs: string[], names: string[], accept: (p: string) => boolean = () => true): string | undefined {
  for (const name of names) {
    for (const dir of dirs) {
      const p = path.join(dir, name);
      if (isExecutableFile(p) && accept(p)) return p;
    }
  }
  return undefined;
}

/** `mysqld` counts only if it is MariaDB (a symlink to mariadbd, or `--version` says so). */
function isMariaDbServer(p: string): boolean {
  try {
    if (path.basename(realpathSync(p)) === "mariadbd") return true;
  } catch {
    return false;
  }
  const r = spawnSync(p, ["--version"], { encoding: "utf8", timeout: 5000 });
  return /mariadb/i.test(r.stdout ?? "");
}

/** MARIADB_BIN_DIR and its sibling sbin/bin/scripts dirs (Debian splits sbin/bin, tarballs bin/scripts). */
const mariaDbDirs = (dir: string): string[] =>
  existsSync(dir) ? [dir, ...["sbin", "bin", "scripts"].map((d) => path.join(dir, "..", d))] : [];

/**
 * MARIADB_BIN_DIR (if set, the only place searched, with its siblings), else PATH, then /usr/sbin, /usr/bin.
 * Server: mariadbd, else a MariaDB `mysqld`. Initialiser: mariadb-install-db, else mysql_install_db.
 */
export function findMariaDbBinaries(env: Env = process.env): { mariadbd: string; installDb: string } | undefined {
  const dirs = env["MARIADB_BIN_DIR"] ? mariaDbDirs(env["MARIADB_BIN_DIR"]) : [...pathDirs(env), ...SYSTEM_DIRS];
  const mariadbd = firstIn(dirs, ["mariadbd"]) ?? firstIn(dirs, ["mysqld"], isMariaDbServer);
  const installDb = firstIn(dirs, ["mariadb-install-db", "mysql_install_db"]);
  return mariadbd && installDb ? { mariadbd, installDb } : undefined;
}

/** TEMPORAL_CLI_PATH (if set, the only candidate), else <repo>/.tools/venv/bin/temporal, else `temporal` on PATH. */
export function findTemporalCli(env: Env = process.env): string | undefined {
  const explicit = env["TEMPORAL_CLI_PATH"];
  if (explicit) {
    const p = path.resolve(explicit);
    return isExecutableFile(p) ? p : undefined;
  }
  if (isExecutableFile(VENV_TEMPORAL)) return VENV_TEMPORAL;
  return firstIn(pathDirs(env), ["temporal"]);
}
