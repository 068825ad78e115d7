/**
 * What the kubernetes tier sets up around the chart: helm pointed at the test cluster, the
 * vendored CRDs, namespaces enforcing Pod Security `restricted`, Secrets, and the ServiceAccounts a
 * dry-run of bare Pods needs.
 */
import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parseAllDocuments } from "yaml";
import type { Manifest } from "../helm/render.js";
import { waitFor, type ControlPlane } from "./cluster.js";
import type { KubeApi, KubeObject } from "./kube-api.js";

const run = promisify(execFile);
const CRDS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "crds");

/** Runs helm against the control plane, with its cache, config and data in the cluster's temporary directory. */
export function helmFor(cp: ControlPlane, helmBin: string) {
  const home = path.join(cp.dir, "helm-home");
  mkdirSync(home, { recursive: true });
  return async (args: string[], timeoutMs = 240_000): Promise<string> => {
    try {
      const { stdout, stderr } = await run(helmBin, args, {
        timeout: timeoutMs,
        maxBuffer: 32 * 1024 * 1024,
        env: {
          ...process.env,
          KUBECONFIG: cp.kubeconfig,
          HELM_CACHE_HOME: path.join(home, "cache"),
          HELM_CONFIG_HOME: path.join(home, "config"),
          HELM_DATA_HOME: path.join(home, "data"),
        },
      });
      return `${stdout}${stderr}`;
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      throw new Error(`helm ${args.slice(0, 2).join(" ")} failed: ${e.stderr || e.message}\n${e.stdout ?? ""}`);
    }
  };
}

/** A namespace whose pods must meet Pod Security `restricted`; workload templates that miss it warn. */
export function restrictedNamespace(name: string): KubeObject {
  const labels = Object.fromEntries(
    ["enforce", "warn", "audit"].flatMap((m) => [
      [`pod-security.kubernetes.io/${m}`, "restricted"],
      [`pod-security.kubernetes.io/${m}-version`, "latest"],
    ]),
  );
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels } };
}

export function secret(name: string, data: Record<string, string>): KubeObject {
  return { apiVersion: "v1", kind: "Secret", metadata: { name }, type: "Opaque", stringData: data };
}

/** The vendored CRDs (ServiceMonitor, PrometheusRule, ScaledObject), Established and discoverable. */
export async function installCrds(api: KubeApi): Promise<void> {
  const crds = readdirSync(CRDS_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .flatMap((f) => parseAllDocuments(readFileSync(path.join(CRDS_DIR, f), "utf8")).map((d) => d.toJS() as KubeObject | null))
    .filter((d): d is KubeObject => d !== null);
  await Promise.all(crds.map((crd) => api.create(crd)));
  for (const crd of crds) {
    await waitFor(`CRD ${crd.metadata.name} Established`, 60_000, async () => {
      const c = await api.get<{ status?: { conditions?: { type: string; status: string }[] } }>(crd, crd.metadata.name);
      return c?.status?.conditions?.some((x) => x.type === "Established" && x.status === "True") ? true : undefined;
    });
  }
  const spec = (crd: KubeObject) => crd.spec as { group: string; names: { kind: string }; versions: { name: string; served: boolean }[] };
  await waitFor("the CRDs in discovery", 30_000, async () => {
    api.reset();
    for (const crd of crds) {
      for (const v of spec(crd).versions.filter((x) => x.served)) await api.resourceFor({ apiVersion: `${spec(crd).group}/${v.name}`, kind: spec(crd).names.kind });
    }
    return true;
  });
}

/**
 * The ServiceAccount admission plugin refuses a Pod whose ServiceAccount does not exist, and a
 * dry-run stores nothing: create the ServiceAccounts that bare Pods (the helm test Pod) name, for
 * as long as those Pods are dry-run. Returns the cleanup.
 */
export async function podServiceAccounts(api: KubeApi, pods: Manifest[], namespace: string): Promise<() => Promise<void>> {
  const sa = { apiVersion: "v1", kind: "ServiceAccount" };
  const created: string[] = [];
  for (const m of pods) {
    const name = (m as { spec?: { serviceAccountName?: string } }).spec?.serviceAccountName;
    if (name && !created.includes(name) && !(await api.get(sa, name, namespace))) {
      await api.create({ ...sa, metadata: { name } }, namespace);
      created.push(name);
    }
  }
  return async () => {
    for (const name of created) await api.ok("DELETE", `/api/v1/namespaces/${namespace}/serviceaccounts/${name}`);
  };
}
