/**
 * A real Kubernetes control plane on loopback ports for the kubernetes tier: etcd,
 * kube-apiserver (default admission plugins: ServiceAccount, PodSecurity, …; RBAC), the
 * controller manager, the scheduler, and kwok simulating one node and its pods (its stage files
 * are vendored in ./stages). Certificates and the service-account key pair are made per run in a
 * temporary directory; every process logs to a file there, and a failed start shows the tails.
 * The binaries come from scripts/lib/kubernetes.mjs (`node scripts/bootstrap.mjs test`).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { KubeApi, type KubeObject } from "./kube-api.js";
import { kubeconfigYaml, makeCertificates } from "./pki.js";

const here = path.dirname(fileURLToPath(import.meta.url));
export const STAGES_DIR = path.join(here, "stages");
export const NODE_NAME = "kwok-node-0";


export interface Tools {
  etcd: string;
  apiserver: string;
  controllerManager: string;
  scheduler: string;
  kwok: string;
}

export interface ControlPlane {
  api: KubeApi;
  kubeconfig: string;
  dir: string;
  /** gitVersion the API server reports, e.g. v1.37.2. */
  version: string;
  /** Milliseconds from the first process start until the node was Ready. */
  startupMs: number;
  /** Last lines of every log file, for failure messages. */
  logTails(lines?: number): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value (not undefined) or `timeoutMs` passes; `check` aborts early (a process died). */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, check: () => void = () => {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    check();
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (last error: ${last instanceof Error ? last.message : String(last)})` : ""}`);
    await sleep(250);
  }
}

export async function startControlPlane(tools: Tools): Promise<ControlPlane> {
  const started = Date.now();
  const dir = mkdtempSync(path.join(tmpdir(), "taskyard-kube-"));
  // etcd fsyncs every write: tmpfs keeps that cheap when the machine has one.
  const shm = existsSync("/dev/shm") ? mkdtempSync("/dev/shm/taskyard-etcd-") : path.join(dir, "etcd");
  const logsDir = path.join(dir, "logs");
  mkdirSync(logsDir);
  const procs: { name: string; child: ChildProcess }[] = [];
  let exited: string | undefined;
  let stopping = false;

  const start = (name: string, cmd: string, args: string[]) => {
    const fd = openSync(path.join(logsDir, `${name}.log`), "a");
    const child = spawn(cmd, args, { stdio: ["ignore", fd, fd], cwd: dir });
    child.on("exit", (code, signal) => {
      if (!stopping) exited ??= `${name} exited (${code ?? signal})`;
    });
    procs.push({ name, child });
  };
  const alive = () => {
    if (exited) throw new Error(exited);
  };
  const logTails = (lines = 25) =>
    readdirSync(logsDir)
      .map((f) => `--- ${f} (last ${lines} lines) ---\n${readFileSync(path.join(logsDir, f), "utf8").trimEnd().split("\n").slice(-lines).join("\n")}`)
      .join("\n");
  // Should the test process die without its teardown, take the control plane with it.
  const killAll = () => {
    for (const { child } of procs) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  process.once("exit", killAll);
  const stop = async () => {
    stopping = true;
    process.removeListener("exit", killAll);
    // SIGTERM in reverse start order (kwok and the controllers first, etcd last), SIGKILL after
    // 3 s: nothing here is worth a graceful shutdown.
    for (const { child } of [...procs].reverse()) if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    const deadline = Date.now() + 3_000;
    while (procs.some(({ child }) => child.exitCode === null && child.signalCode === null) && Date.now() < deadline) await sleep(100);
    killAll();
    rmSync(shm, { recursive: true, force: true });
    if (!process.env.TASKYARD_KEEP_KUBE_DIR) rmSync(dir, { recursive: true, force: true });
  };

  try {
    makeCertificates(dir);
    const token = randomBytes(24).toString("hex");
    writeFileSync(path.join(dir, "tokens.csv"), `${token},admin,admin,"system:masters"\n`);
    const [etcdPort, peerPort, apiPort] = await Promise.all([freePort(), freePort(), freePort()]);
    const server = `https://127.0.0.1:${apiPort}`;
    const ca = readFileSync(path.join(dir, "ca.crt"), "utf8");
    const kubeconfig = path.join(dir, "kubeconfig");
    writeFileSync(kubeconfig, kubeconfigYaml(server, path.join(dir, "ca.crt"), token));
    const api = new KubeApi(server, token, ca);

    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    start("etcd", tools.etcd, [
      "--name=taskyard-test",
      `--data-dir=${shm}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=taskyard-test=${peerUrl}`,
      "--log-level=warn",
    ]);
    await waitFor("etcd /health", 30_000, async () => {
      const r = await fetch(`${etcdUrl}/health`);
      return r.ok && ((await r.json()) as { health?: string }).health === "true" ? true : undefined;
    }, alive);

    start("kube-apiserver", tools.apiserver, [
      `--etcd-servers=${etcdUrl}`,
      "--bind-address=127.0.0.1",
      `--secure-port=${apiPort}`,
      `--cert-dir=${path.join(dir, "apiserver-certs")}`,
      `--tls-cert-file=${path.join(dir, "apiserver.crt")}`,
      `--tls-private-key-file=${path.join(dir, "apiserver.key")}`,
      `--client-ca-file=${path.join(dir, "ca.crt")}`,
      `--token-auth-file=${path.join(dir, "tokens.csv")}`,
      "--authorization-mode=Node,RBAC",
      "--service-account-issuer=https://kubernetes.default.svc",
      `--service-account-key-file=${path.join(dir, "sa.pub")}`,
      `--service-account-signing-key-file=${path.join(dir, "sa.key")}`,
      "--service-cluster-ip-range=10.96.0.0/16",
      // Debian's etcd 3.4.23 cannot answer watch progress requests, so the server turns
      // RequestWatchProgress off; with WatchList on it still turns every watch from
      // resourceVersion 0 into a watch-list stream and then refuses it. kwok watches from 0, so
      // its watches would fail and it would see pods change only on relists, up to ~15 s late.
      "--feature-gates=WatchList=false",
      "--profiling=false",
      "--v=1",
    ]);
    await waitFor("kube-apiserver /readyz", 90_000, async () => {
      const r = await api.request("GET", "/readyz");
      return r.status === 200 ? true : undefined;
    }, alive);
    const version = (await api.ok<{ gitVersion: string }>("GET", "/version")).gitVersion;

    start("kube-controller-manager", tools.controllerManager, [
      `--kubeconfig=${kubeconfig}`,
      "--secure-port=0",
      "--leader-elect=false",
      // nodeipam needs a cluster CIDR nothing here uses; the rest (garbage collector, Job,
      // Deployment, ReplicaSet, ServiceAccount, node lifecycle, …) run as in any cluster.
      "--controllers=*,-nodeipam",
      `--service-account-private-key-file=${path.join(dir, "sa.key")}`,
      `--root-ca-file=${path.join(dir, "ca.crt")}`,
      "--kube-api-qps=100",
      "--kube-api-burst=200",
      "--v=1",
    ]);
    start("kube-scheduler", tools.scheduler, [`--kubeconfig=${kubeconfig}`, "--secure-port=0", "--leader-elect=false", "--v=1"]);
    const stages = readdirSync(STAGES_DIR)
      .filter((f) => f.endsWith(".yaml"))
      .sort()
      .map((f) => `--config=${path.join(STAGES_DIR, f)}`);
    start("kwok", tools.kwok, [
      `--kubeconfig=${kubeconfig}`,
      "--manage-all-nodes=false",
      "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
      "--node-lease-duration-seconds=40",
      "--cidr=10.244.0.0/24",
      ...stages,
    ]);

    // One simulated node, big enough for every pod the chart makes; no taints of our own
    // (TaintNodesByCondition adds not-ready, which the node lifecycle controller lifts once kwok
    // reports the node Ready).
    const node: KubeObject = {
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name: NODE_NAME,
        annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
        labels: { "kubernetes.io/hostname": NODE_NAME, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", "topology.kubernetes.io/zone": "zone-a", type: "kwok" },
      },
      status: {
        allocatable: { cpu: "64", memory: "256Gi", pods: "250", "nvidia.com/gpu": "8" },
        capacity: { cpu: "64", memory: "256Gi", pods: "250", "nvidia.com/gpu": "8" },
      },
    };
    await waitFor("the Node API", 30_000, () => api.create(node), alive);
    await waitFor(`node ${NODE_NAME} Ready without taints`, 90_000, async () => {
      const n = await api.get<{ spec?: { taints?: unknown[] }; status?: { conditions?: { type: string; status: string }[] } }>({ apiVersion: "v1", kind: "Node" }, NODE_NAME);
      const ready = n?.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
      return ready && (n?.spec?.taints ?? []).length === 0 ? true : undefined;
    }, alive);
    // The controller manager's ServiceAccount controller gives every namespace its `default`.
    await waitFor("ServiceAccount default/default", 60_000, () => api.get({ apiVersion: "v1", kind: "ServiceAccount" }, "default", "default").then((sa) => (sa ? true : undefined)), alive);

    return { api, kubeconfig, dir, version, startupMs: Date.now() - started, logTails, stop };
  } catch (err) {
    const tails = existsSync(logsDir) ? logTails() : "";
    await stop();
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${tails}`);
  }
}
