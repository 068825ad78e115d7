// Step f: the Python worker kit (workers/python, `taskyard-worker`), installed editable with its
// test extra into <repo>/.tools/venv, so the contract suite and pytest run it and a developer can
// attach a Python worker to `npm run dev` with `.tools/venv/bin/python`. Reinstalled only when
// workers/python/pyproject.toml changed (an editable install picks up source edits by itself).
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isExecutableFile, which } from "./find-binaries.mjs";
import { fail, log, run, seconds } from "./util.mjs";

export function ensurePythonKit(ctx) {
  const { env, root } = ctx;
  const kit = path.join(root, "workers", "python");
  const venvDir = path.join(root, ".tools", "venv");
  const pip = path.join(venvDir, "bin", "pip");
  const stamp = path.join(venvDir, ".taskyard-worker-kit");
  const want = createHash("sha256").update(readFileSync(path.join(kit, "pyproject.toml"))).digest("hex");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === want) {
    log("Python worker kit … ok (.tools/venv, taskyard-worker editable)");
    return;
  }
  const started = Date.now();
  if (!isExecutableFile(pip)) {
    const python = which("python3", env);
    if (!python || !run(ctx, python, ["-m", "venv", venvDir]) || (!ctx.dryRun && !isExecutableFile(pip))) {
      throw fail([
        "bootstrap: Python worker kit … MISSING: no python3 with venv support to create .tools/venv.",
        "  Install Python 3.10+ with venv (Debian/Ubuntu: sudo apt-get install -y python3 python3-venv) and run this again.",
      ]);
    }
  }
  if (!run(ctx, pip, ["install", "--disable-pip-version-check", "--no-input", "--quiet", "-e", `${kit}[test]`])) {
    throw fail([
      "bootstrap: Python worker kit … MISSING: `pip install -e workers/python[test]` into .tools/venv failed.",
      "  Is PyPI reachable (temporalio, httpx, pydantic, pytest, setuptools)? Run the command by hand to see why.",
    ]);
  }
  if (!ctx.dryRun) writeFileSync(stamp, want);
  log(`Python worker kit … installed (.tools/venv, ${seconds(Date.now() - started)})`);
}
