// Step h (test only): a Chromium for the console's browser tests (playwright-core drives it; no
// browser download). TASKYARD_CHROMIUM_PATH names one; else /usr/bin/chromium (Debian's package),
// installed with apt-get as root (or sudo -n) when missing.
import path from "node:path";
import { isExecutableFile, which } from "./find-binaries.mjs";
import { fail, isRoot, log, run, succeeds } from "./util.mjs";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

export function findChromium(env) {
  if (env.TASKYARD_CHROMIUM_PATH) return isExecutableFile(env.TASKYARD_CHROMIUM_PATH) ? env.TASKYARD_CHROMIUM_PATH : undefined;
  return CANDIDATES.find((p) => isExecutableFile(p));
}

export function ensureChromium(ctx) {
  const { env } = ctx;
  const found = findChromium(env);
  if (found) {
    log(`Chromium … ok (${found})`);
    return;
  }
  const missing = (why) =>
    fail([
      `bootstrap: Chromium … MISSING: ${why}`,
      "  The console's browser tests drive a system Chromium. Install one (Debian/Ubuntu: sudo apt-get install -y chromium)",
      "  or set TASKYARD_CHROMIUM_PATH to a Chromium or Chrome binary.",
    ]);
  if (env.TASKYARD_CHROMIUM_PATH) throw missing(`TASKYARD_CHROMIUM_PATH=${env.TASKYARD_CHROMIUM_PATH} is not an executable file.`);
  const aptGet = which("apt-get", env);
  const sudo = isRoot() ? undefined : which("sudo", env);
  if (!aptGet || !(isRoot() || (sudo && succeeds(sudo, ["-n", "true"])))) {
    throw missing(`looked in ${CANDIDATES.join(", ")}; cannot install automatically (${!aptGet ? "apt-get not found" : "not root and no password-less sudo"}).`);
  }
  log("Chromium … not found: installing chromium with apt-get");
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const asRoot = (args) => (isRoot() ? [aptGet, args] : [sudo, ["-n", "env", "DEBIAN_FRONTEND=noninteractive", aptGet, ...args]]);
  const pkgs = ["install", "-y", "--no-install-recommends", "chromium", "fonts-liberation"];
  // apt-get update only when the first try fails (the index may be missing or stale).
  if (!run(ctx, ...asRoot(pkgs), { env: aptEnv })) {
    run(ctx, ...asRoot(["update"]), { env: aptEnv });
    run(ctx, ...asRoot(pkgs), { env: aptEnv });
  }
  if (ctx.dryRun) return;
  const installed = findChromium(env);
  if (!installed) throw missing("apt-get install chromium failed.");
  log(`Chromium … installed (${path.resolve(installed)})`);
}
