// Finds (or installs) the helm binary that the chart tests and `npm test`'s bootstrap use.
// Plain Node ESM with no npm dependencies: it runs before `npm ci`.
//
// Search order: $HELM_BIN (the only candidate when set), <repo>/.tools/bin/helm, `helm` on PATH.
// When none is found it builds Helm from source with the Go toolchain into <repo>/.tools/bin:
//   GOBIN=<repo>/.tools/bin go install helm.sh/helm/v3/cmd/helm@v3.22.0
// (Helm publishes its binaries outside the package registries, so `go install` through the Go
// module proxy is the way to get it here; the build takes a few minutes, once.)
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isExecutableFile, which } from "./find-binaries.mjs";
import { BootstrapError } from "./util.mjs";

export const HELM_VERSION = "v3.22.0";
export const HELM_MODULE = `helm.sh/helm/v3/cmd/helm@${HELM_VERSION}`;

const defaultRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

// `go install` skips the -X flags of Helm's release Makefile; pass the same ones, so `helm version`
// is exact and `helm template`'s default Kubernetes version is 1.37 as in the released binary
// (k8s.io/client-go v0.37.0 in Helm 3.22's go.mod); without them it is 1.20, older than the
// chart's kubeVersion.
const LDFLAGS = [
  `-X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}`,
  "-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1",
  "-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=37",
  "-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1",
  "-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=37",
].join(" ");

/**
 * Thrown when helm cannot be found or installed; the message says what to install.
 * A BootstrapError, so scripts/bootstrap.mjs prints it without a stack trace.
 */
export class HelmNotFoundError extends BootstrapError {
  constructor(message) {
    super(message);
    this.name = "HelmNotFoundError";
  }
}

/** True for a Helm 3 or newer binary (a Helm 2 `helm` on PATH does not count). */
function isHelm3OrNewer(p) {
  const r = spawnSync(p, ["version", "--short"], { encoding: "utf8", timeout: 20_000 });
  const m = /^v(\d+)\./.exec(`${r.stdout ?? ""}`.trim());
  return !r.error && r.status === 0 && m !== null && Number(m[1]) >= 3;
}

function say(opts, line) {
  if (!opts.quiet) process.stdout.write(`bootstrap: ${line}\n`);
}

function notFound(lines) {
  return new HelmNotFoundError(lines.join("\n"));
}

/**
 * Returns the absolute path (or PATH name) of a usable helm binary, installing Helm
 * ${HELM_VERSION} with `go install` into <root>/.tools/bin when none is found.
 *
 * @param {object} [opts]
 * @param {string} [opts.root]    repository root (default: two levels above this file)
 * @param {Record<string, string | undefined>} [opts.env]  environment (default: process.env)
 * @param {boolean} [opts.dryRun] only say what would be installed; returns the intended path
 * @param {boolean} [opts.quiet]  print nothing unless installing
 * @returns {string}
 * @throws {HelmNotFoundError} HELM_BIN is not executable, or Go is missing, or the build failed
 */
export function ensureHelm(opts = {}) {
  const root = opts.root ?? defaultRoot;
  const env = opts.env ?? process.env;
  const quiet = opts.quiet ?? false;

  if (env.HELM_BIN) {
    if (!isExecutableFile(env.HELM_BIN)) {
      throw notFound([`bootstrap: helm … MISSING: HELM_BIN=${env.HELM_BIN} is not an executable file.`]);
    }
    say({ quiet }, `helm … ok (${env.HELM_BIN})`);
    return env.HELM_BIN;
  }

  const binDir = path.join(root, ".tools", "bin");
  const local = path.join(binDir, "helm");
  if (isExecutableFile(local)) {
    say({ quiet }, `helm … ok (${path.relative(root, local)})`);
    return local;
  }
  const onPath = which("helm", env);
  if (onPath && isHelm3OrNewer(onPath)) {
    say({ quiet }, `helm … ok (${onPath})`);
    return onPath;
  }

  const go = which("go", env);
  if (!go) {
    throw notFound([
      "bootstrap: helm … MISSING: no helm found (HELM_BIN, .tools/bin/helm, PATH) and `go` is not on PATH to build it.",
      "  Install Go 1.21 or newer (Debian 13/Ubuntu 24.04: sudo apt-get install -y golang-go; macOS: brew install go;",
      "  it fetches the Go 1.26 toolchain that Helm 3.22 needs by itself) and run this again, or install",
      "  Helm 3 yourself (brew install helm, or your distribution's package)",
      "  and put `helm` on PATH or set HELM_BIN=/path/to/helm.",
    ]);
  }
  const args = ["install", `-ldflags=${LDFLAGS}`, HELM_MODULE];
  if (opts.dryRun) {
    say({ quiet: false }, `helm … not found: (dry run) would run: GOBIN=${binDir} ${go} install '-ldflags=${LDFLAGS}' ${HELM_MODULE}`);
    return local;
  }
  say({ quiet: false }, `helm … not found: building ${HELM_MODULE} into ${path.relative(root, binDir)} (a few minutes, once)`);
  mkdirSync(binDir, { recursive: true });
  const started = Date.now();
  const r = spawnSync(go, args, {
    env: { ...env, GOBIN: binDir },
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (r.error || r.status !== 0 || !isExecutableFile(local)) {
    throw notFound([
      `bootstrap: helm … MISSING: \`GOBIN=${binDir} go install ${HELM_MODULE}\` failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`}).`,
      "  Is the Go module proxy reachable (GOPROXY)? Helm 3.22 needs Go 1.26: with Go 1.21+ and",
      "  GOTOOLCHAIN=auto (the default) go fetches it; older Go cannot build it.",
      "  Or install Helm 3 yourself and set HELM_BIN=/path/to/helm.",
    ]);
  }
  say({ quiet: false }, `helm … installed (${path.relative(root, local)}, ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  return local;
}

// `node scripts/lib/helm.mjs` prints the helm path (installing it if needed).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.stdout.write(`${ensureHelm({ quiet: true })}\n`);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
