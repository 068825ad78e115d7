// Step (test only): a real Kubernetes control plane for the `kubernetes` test tier
// (test/kubernetes): etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok
// (simulated nodes and pods). Plain Node ESM with no npm dependencies: it runs before `npm ci`.
//
// - etcd: $ETCD_BIN (the only candidate when set), else `etcd` on PATH or /usr/bin; installed with
//   `apt-get install etcd-server` as root or with `sudo -n`, like the MariaDB step.
// - kube-apiserver, kube-controller-manager, kube-scheduler: $KUBE_BIN_DIR (the only candidate
//   when set), else <repo>/.tools/bin, built from the Go module proxy. `go install pkg@version`
//   refuses k8s.io/kubernetes (its go.mod replaces the k8s.io/* staging modules with local
//   paths), so a generated wrapper module in .tools/kubernetes-build requires it and replaces each
//   staging module with its published v0.<minor>.<patch>; ONE `go build -o .tools/bin` builds the
//   three and kwok, with the version -ldflags Kubernetes' release build sets (without them the
//   server reports v0.0.0 and Helm's kubeVersion check fails).
// - kwok: $KWOK_BIN, else <repo>/.tools/bin/kwok, sigs.k8s.io/kwok/cmd/kwok at the pinned version,
//   built in the same wrapper module and the same `go build` (it shares the k8s.io/* packages).
// A binary is reused only when it reports the pinned version, so bumping a pin rebuilds it.
import { spawnSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isExecutableFile, SYSTEM_DIRS, which } from "./find-binaries.mjs";
import { fail, isRoot, log, run, seconds, succeeds } from "./util.mjs";

/** Kubernetes 1.37, the version Helm 3.22 is built against (k8s.io/client-go v0.37). */
export const KUBERNETES_VERSION = "v1.37.2";
export const KWOK_VERSION = "v0.8.0";
export const KWOK_MODULE = "sigs.k8s.io/kwok";
export const KUBE_BINARIES = ["kube-apiserver", "kube-controller-manager", "kube-scheduler"];

const defaultRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Static binaries, module mode (the wrapper's go.sum is written as it goes), no VCS stamping. */
const BUILD_ENV = { CGO_ENABLED: "0", GOFLAGS: "-mod=mod -buildvcs=false" };

function kubeLdflags(version) {
  const [major, minor] = version.replace(/^v/, "").split(".");
  // -s -w: no symbol table or DWARF (faster links, smaller files). The version variables are the
  // ones Kubernetes' hack/lib/version.sh sets, in both packages that carry them.
  const vars = ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"].flatMap((pkg) => [
    `-X ${pkg}.gitVersion=${version}`,
    `-X ${pkg}.gitMajor=${major}`,
    `-X ${pkg}.gitMinor=${minor}`,
    `-X ${pkg}.gitTreeState=clean`,
  ]);
  return ["-s", "-w", ...vars].join(" ");
}

/** True when `bin --version` names `version` ("Kubernetes v1.37.2", "kwok version v0.8.0 …"). */
function reportsVersion(bin, version) {
  const r = spawnSync(bin, ["--version"], { encoding: "utf8", timeout: 20_000 });
  const out = r.error || r.status !== 0 ? "" : `${r.stdout ?? ""}${r.stderr ?? ""}`;
  return new RegExp(`(^|\\s)${version.replace(/\./g, "\\.")}(\\s|$)`).test(out);
}

function binDirOf(root) {
  return path.join(root, ".tools", "bin");
}

/**
 * Where the tier's binaries are, or what is missing. Never installs anything.
 * @returns {{ etcd?: string, apiserver?: string, controllerManager?: string, scheduler?: string, kwok?: string, missing: string[] }}
 */
export function findKubernetesTools(opts = {}) {
  const root = opts.root ?? defaultRoot;
  const env = opts.env ?? process.env;
  const missing = [];
  const etcd = findEtcd(env);
  if (!etcd) missing.push(env.ETCD_BIN ? `etcd (ETCD_BIN=${env.ETCD_BIN} is not executable)` : "etcd");
  const kubeDir = env.KUBE_BIN_DIR || binDirOf(root);
  const kube = Object.fromEntries(
    KUBE_BINARIES.map((name) => {
      const p = path.join(kubeDir, name);
      // A binary in KUBE_BIN_DIR is taken as is; ours must report the pinned version.
      const ok = isExecutableFile(p) && (Boolean(env.KUBE_BIN_DIR) || reportsVersion(p, KUBERNETES_VERSION));
      if (!ok) missing.push(`${name} ${KUBERNETES_VERSION}`);
      return [name, ok ? p : undefined];
    }),
  );
  const kwokPath = env.KWOK_BIN || path.join(binDirOf(root), "kwok");
  const kwokOk = isExecutableFile(kwokPath) && (Boolean(env.KWOK_BIN) || reportsVersion(kwokPath, KWOK_VERSION));
  if (!kwokOk) missing.push(`kwok ${KWOK_VERSION}`);
  return {
    etcd,
    apiserver: kube["kube-apiserver"],
    controllerManager: kube["kube-controller-manager"],
    scheduler: kube["kube-scheduler"],
    kwok: kwokOk ? kwokPath : undefined,
    missing,
  };
}

function findEtcd(env) {
  if (env.ETCD_BIN) return isExecutableFile(env.ETCD_BIN) ? env.ETCD_BIN : undefined;
  return which("etcd", env) ?? SYSTEM_DIRS.map((d) => path.join(d, "etcd")).find(isExecutableFile);
}

function ensureEtcd(ctx) {
  const { env } = ctx;
  let found = findEtcd(env);
  if (found) {
    log(`etcd … ok (${found})`);
    return;
  }
  if (env.ETCD_BIN) throw fail(`bootstrap: etcd … MISSING: ETCD_BIN=${env.ETCD_BIN} is not an executable file.`);
  const aptGet = which("apt-get", env);
  const sudo = isRoot() ? undefined : which("sudo", env);
  const canInstall = aptGet && (isRoot() || (sudo && succeeds(sudo, ["-n", "true"])));
  if (!canInstall) {
    throw fail(
      "bootstrap: etcd … MISSING: install etcd 3.4+ (Debian/Ubuntu: sudo apt-get install -y etcd-server; macOS: brew install etcd) or set ETCD_BIN=/path/to/etcd.",
    );
  }
  log("etcd … not found: installing etcd-server with apt-get (the test tier starts its own instance)");
  const asRoot = (args) => (isRoot() ? [aptGet, args] : [sudo, ["-n", "env", "DEBIAN_FRONTEND=noninteractive", aptGet, ...args]]);
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const updated = run(ctx, ...asRoot(["update"]), { env: aptEnv });
  // Its postinst may try to start a system service (no systemd here): harmless, judge by the binary.
  if (updated) run(ctx, ...asRoot(["install", "-y", "--no-install-recommends", "etcd-server"]), { env: aptEnv });
  if (ctx.dryRun) return;
  found = findEtcd(env);
  if (!found) throw fail("bootstrap: etcd … MISSING: `apt-get install etcd-server` failed; install etcd 3.4+ yourself or set ETCD_BIN=/path/to/etcd.");
  log(`etcd … installed (${found})`);
}

/**
 * The wrapper module: requires k8s.io/kubernetes and kwok, and replaces every staging module
 * Kubernetes' go.mod replaces with a local path (k8s.io/api => ./staging/src/k8s.io/api) by the
 * published k8s.io/api v0.<minor>.<patch>. Read from the pinned go.mod, so the list follows the
 * version. kwok then builds against the same k8s.io/* packages (it compiles against 1.37's as it
 * does against its own 1.36 ones), so they are compiled once for all four binaries.
 */
function writeWrapperModule(go, buildDir, env) {
  const r = spawnSync(go, ["mod", "download", "-json", `k8s.io/kubernetes@${KUBERNETES_VERSION}`], {
    cwd: buildDir,
    encoding: "utf8",
    env: { ...env, ...BUILD_ENV, GOFLAGS: "" },
    maxBuffer: 16 * 1024 * 1024,
  });
  const info = r.status === 0 ? JSON.parse(r.stdout) : undefined;
  if (!info?.GoMod) throw new Error(`go mod download k8s.io/kubernetes@${KUBERNETES_VERSION} failed: ${(r.stderr || r.error?.message || "").trim()}`);
  const upstream = readFileSync(info.GoMod, "utf8");
  const staging = [...upstream.matchAll(/^\s*(k8s\.io\/[\w.-]+)\s+=>\s+\.\/staging\//gm)].map((m) => m[1]);
  if (staging.length === 0) throw new Error(`no staging replaces found in ${info.GoMod}`);
  const goLine = /^go\s+(\S+)/m.exec(upstream)?.[1] ?? "1.26.0";
  const stagingVersion = KUBERNETES_VERSION.replace(/^v1\./, "v0.");
  const mod = [
    "// Generated by scripts/lib/kubernetes.mjs: builds Kubernetes' control-plane binaries and kwok",
    "// from the Go module proxy. Do not edit; delete this directory to regenerate it.",
    "module taskyard.local/kubernetes-build",
    "",
    `go ${goLine}`,
    "",
    "require (",
    `\tk8s.io/kubernetes ${KUBERNETES_VERSION}`,
    `\t${KWOK_MODULE} ${KWOK_VERSION}`,
    ")",
    "",
    "replace (",
    ...staging.map((m) => `\t${m} => ${m} ${stagingVersion}`),
    ")",
    "",
  ].join("\n");
  writeFileSync(path.join(buildDir, "go.mod"), mod);
}

function goMissing(what) {
  return fail(
    `bootstrap: ${what} … MISSING: \`go\` is not on PATH to build it: install Go 1.21+ (Debian/Ubuntu: sudo apt-get install -y golang-go; macOS: brew install go; it fetches the Go 1.26 toolchain itself), or set KUBE_BIN_DIR/KWOK_BIN to existing binaries.`,
  );
}

/**
 * Makes sure etcd, the three control-plane binaries and kwok exist; builds what is missing.
 * @param {{ root: string, env: Record<string, string | undefined>, dryRun?: boolean, mode?: string }} ctx
 */
export async function ensureKubernetes(ctx) {
  const root = ctx.root ?? defaultRoot;
  const env = ctx.env ?? process.env;
  ensureEtcd({ ...ctx, env });
  const found = findKubernetesTools({ root, env });
  const needKube = KUBE_BINARIES.some((n) => found.missing.some((m) => m.startsWith(`${n} `)));
  const needKwok = found.missing.some((m) => m.startsWith("kwok "));
  if (env.KUBE_BIN_DIR && needKube) throw fail(`bootstrap: Kubernetes … MISSING: KUBE_BIN_DIR=${env.KUBE_BIN_DIR} lacks ${KUBE_BINARIES.join(", ")}.`);
  if (env.KWOK_BIN && needKwok) throw fail(`bootstrap: kwok … MISSING: KWOK_BIN=${env.KWOK_BIN} is not an executable file.`);
  if (!needKube) log(`Kubernetes ${KUBERNETES_VERSION} … ok (${path.relative(root, path.dirname(found.apiserver)) || path.dirname(found.apiserver)}/{${KUBE_BINARIES.join(",")}})`);
  if (!needKwok) log(`kwok ${KWOK_VERSION} … ok (${path.relative(root, found.kwok) || found.kwok})`);
  if (!needKube && !needKwok) return;

  const what = [needKube && `Kubernetes ${KUBERNETES_VERSION}`, needKwok && `kwok ${KWOK_VERSION}`].filter(Boolean).join(" and ");
  const go = which("go", env);
  if (!go) throw goMissing(what);
  const binDir = binDirOf(root);
  const buildDir = path.join(root, ".tools", "kubernetes-build");
  const logFile = path.join(buildDir, "build.log");
  const pkgs = [...(needKube ? KUBE_BINARIES.map((n) => `k8s.io/kubernetes/cmd/${n}`) : []), ...(needKwok ? [`${KWOK_MODULE}/cmd/kwok`] : [])];
  // One invocation: shared packages compile once, the compiler keeps both cores busy throughout.
  // -dwarf=false: the compiler emits no debug info the linker's -w would drop anyway (measured
  // 15 % less CPU on k8s.io/client-go's packages).
  const args = ["build", "-trimpath", "-gcflags=all=-dwarf=false", `-ldflags=${kubeLdflags(KUBERNETES_VERSION)}`, "-o", `${binDir}/`, ...pkgs];
  const shown = `CGO_ENABLED=0 GOFLAGS='${BUILD_ENV.GOFLAGS}' ${go} ${args.map((a) => (a.includes(" ") ? `'${a}'` : a)).join(" ")}`;
  if (ctx.dryRun) {
    log(`${what} … not found: (dry run) would generate ${path.relative(root, buildDir)}/go.mod (k8s.io/kubernetes ${KUBERNETES_VERSION} and ${KWOK_MODULE} ${KWOK_VERSION}, the staging modules at their v0 versions) and run there: ${shown}`);
    return;
  }
  log(`${what} … not found: building into ${path.relative(root, binDir)} with Go (about 9 minutes on 2 cores, once; log: ${path.relative(root, logFile)})`);
  mkdirSync(binDir, { recursive: true });
  mkdirSync(buildDir, { recursive: true });
  const started = Date.now();
  try {
    writeWrapperModule(go, buildDir, env);
  } catch (err) {
    throw fail(`bootstrap: ${what} … MISSING: ${err instanceof Error ? err.message : String(err)} (is the Go module proxy reachable? GOPROXY)`);
  }
  const fd = openSync(logFile, "w");
  const r = spawnSync(go, args, { cwd: buildDir, env: { ...env, ...BUILD_ENV }, stdio: ["ignore", fd, fd] });
  closeSync(fd);
  if (r.error || r.status !== 0) {
    const tail = readFileSync(logFile, "utf8").trim().split("\n").slice(-10).join("\n    ");
    throw fail([`bootstrap: ${what} … MISSING: the Go build failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`}); ${path.relative(root, logFile)} ends:`, `    ${tail}`]);
  }
  const after = findKubernetesTools({ root, env });
  if (after.missing.length > 0) throw fail(`bootstrap: ${what} … MISSING after the build: ${after.missing.join(", ")} (see ${path.relative(root, logFile)})`);
  log(`${what} … built (${path.relative(root, binDir)}, ${seconds(Date.now() - started)})`);
}
