// Step b: MariaDB server binaries (mariadbd + mariadb-install-db) for the private instance
// that src/infra/local/mariadb.ts starts. Skipped when the env points at an existing server.
import { findMariaDbBinaries, SYSTEM_DIRS, which } from "./find-binaries.mjs";
import { fail, isRoot, log, run, succeeds } from "./util.mjs";

function missingMessage(ctx, reason) {
  return [
    `bootstrap: MariaDB server … MISSING: ${reason}`,
    "  Install a MariaDB 10.11+ server, for example:",
    "    Debian/Ubuntu:  sudo apt-get install -y mariadb-server",
    "    Fedora/RHEL:    sudo dnf install -y mariadb-server",
    "    macOS:          brew install mariadb",
    "  then run this again (only the binaries are needed; Taskyard starts its own instance),",
    "  or set MARIADB_BIN_DIR to the directory holding mariadbd and mariadb-install-db,",
    `  or set ${ctx.dbUrlVar}=mysql://USER:PASSWORD@HOST:3306/DATABASE to use an existing MariaDB 10.11+ or MySQL 8 server.`,
  ];
}

export function ensureMariaDb(ctx) {
  const { env } = ctx;
  if (env[ctx.dbUrlVar]) {
    log(`MariaDB server … skipped (${ctx.dbUrlVar} is set)`);
    return;
  }
  let found = findMariaDbBinaries(env);
  if (found) {
    log(`MariaDB server … ok (${found.mariadbd})`);
    return;
  }
  if (env.MARIADB_BIN_DIR) {
    throw fail([
      `bootstrap: MariaDB server … MISSING: MARIADB_BIN_DIR=${env.MARIADB_BIN_DIR} holds no mariadbd and mariadb-install-db.`,
      "  Fix it, or unset it to search PATH, /usr/sbin and /usr/bin (and install mariadb-server with apt-get as root),",
      `  or set ${ctx.dbUrlVar}=mysql://USER:PASSWORD@HOST:3306/DATABASE to use an existing MariaDB 10.11+ or MySQL 8 server.`,
    ]);
  }
  const where = `looked for mariadbd and mariadb-install-db in PATH, ${SYSTEM_DIRS.join(", ")}`;
  const aptGet = which("apt-get", env);
  const sudo = isRoot() ? undefined : which("sudo", env);
  const canInstall = aptGet && (isRoot() || (sudo && succeeds(sudo, ["-n", "true"])));
  if (!canInstall) {
    const why = !aptGet ? "apt-get not found" : !sudo ? "not root and sudo not found" : "not root and `sudo -n true` fails (needs a password)";
    throw fail(missingMessage(ctx, `${where}; cannot install automatically (${why}).`));
  }
  log(`MariaDB server … not found (${where}): installing mariadb-server with apt-get`);
  const asRoot = (args) => (isRoot() ? [aptGet, args] : [sudo, ["-n", "env", "DEBIAN_FRONTEND=noninteractive", aptGet, ...args]]);
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const updated = run(ctx, ...asRoot(["update"]), { env: aptEnv });
  // The package's postinst may fail to start the system service (no systemd, policy-rc.d):
  // harmless, we run our own instance — so judge by the binaries, not apt's exit code.
  const installed = updated && run(ctx, ...asRoot(["install", "-y", "--no-install-recommends", "mariadb-server"]), { env: aptEnv });
  if (ctx.dryRun) return;
  found = findMariaDbBinaries(env);
  if (!found) {
    throw fail(missingMessage(ctx, `apt-get ${updated ? "install" : "update"} failed and the binaries are still missing.`));
  }
  log(`MariaDB server … installed (${found.mariadbd})${installed ? "" : " (apt-get reported an error, binaries are present)"}`);
}
