// The chart against a real API server (Kubernetes 1.37, pods simulated by kwok): strict
// server-side validation of everything every ci/*.yaml renders, then install, upgrade, test and
// uninstall of a release with every optional feature on, in a namespace enforcing Pod Security
// `restricted` (ci/platform-values.yaml). Prints its figures (objects validated, each step's time).
import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ensureHelm } from "../../scripts/lib/helm.mjs";
import { findKubernetesTools, KUBERNETES_VERSION } from "../../scripts/lib/kubernetes.mjs";
import { chartDir, NAMESPACE as DRY_RUN_NAMESPACE, render, type Manifest } from "../helm/render.js";
import { startControlPlane, waitFor, type ControlPlane, type Tools } from "./cluster.js";
import { helmFor, installCrds, podServiceAccounts, restrictedNamespace, secret } from "./fixtures.js";
import { describe as describeBody, type KubeObject } from "./kube-api.js";

const INSTALL_VALUES = path.join(chartDir, "ci", "platform-values.yaml");
const INSTALL_NAMESPACE = "taskyard";
const RELEASE = "ty";
const FULL = `${RELEASE}-taskyard`;
const CI_FILES = readdirSync(path.join(chartDir, "ci"))
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .map((f) => `ci/${f}`);

let helm: string;
let cp: ControlPlane;
let helmRun: ReturnType<typeof helmFor>;
const figures: string[] = [];

function figure(line: string): void {
  figures.push(line);
  console.log(`[kubernetes] ${line}`);
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t };
}

beforeAll(async () => {
  helm = ensureHelm({ quiet: true });
  const tools = findKubernetesTools();
  if (tools.missing.length > 0) {
    throw new Error(`missing ${tools.missing.join(", ")}: run \`node scripts/bootstrap.mjs test\` (installs etcd-server, builds Kubernetes ${KUBERNETES_VERSION} and kwok into .tools/bin)`);
  }
  cp = await startControlPlane(tools as Tools);
  helmRun = helmFor(cp, helm);
  const crds = await timed(() => installCrds(cp.api));
  for (const ns of [DRY_RUN_NAMESPACE, INSTALL_NAMESPACE]) await cp.api.create(restrictedNamespace(ns));
  figure(`control plane ${cp.version} (etcd, kube-apiserver, controller manager, scheduler, kwok node) ready in ${secs(cp.startupMs)}; 3 CRDs established in ${secs(crds.ms)}`);
}, 180_000);

afterEach((ctx) => {
  if (ctx.task.result?.state === "fail" && cp) console.log(cp.logTails(40));
});

afterAll(async () => {
  const stopped = await timed(async () => cp?.stop());
  figure(`control plane stopped in ${secs(stopped.ms)}`);
  console.log(`[kubernetes] figures:\n  ${figures.join("\n  ")}`);
});

describe("the API server", () => {
  it("reports the pinned Kubernetes version (Helm's kubeVersion check reads it)", () => {
    expect(cp.version).toBe(KUBERNETES_VERSION);
  });
});

describe("strict server-side dry-run of everything the chart renders", () => {
  it("admits every object of every ci/*.yaml with fieldValidation=Strict, without Pod Security warnings", async () => {
    const problems: string[] = [];
    const warnings: string[] = [];
    let validated = 0;
    const byFile: string[] = [];
    const t = performance.now();
    for (const file of CI_FILES) {
      const manifests: Manifest[] = await render(helm, { files: [file] });
      const check = async (m: Manifest) => {
        const r = await cp.api.dryRunCreate(m as unknown as KubeObject, DRY_RUN_NAMESPACE);
        if (r.status !== 201 && r.status !== 200) problems.push(`${file}: ${m.kind}/${m.metadata.name}: HTTP ${r.status}: ${describeBody(r.body)}`);
        for (const w of r.warnings) warnings.push(`${file}: ${m.kind}/${m.metadata.name}: ${w}`);
        validated++;
      };
      // Bare Pods last, once their ServiceAccount exists (see podServiceAccounts).
      const pods = manifests.filter((m) => m.kind === "Pod");
      for (const m of manifests.filter((x) => x.kind !== "Pod")) await check(m);
      const cleanup = await podServiceAccounts(cp.api, pods, DRY_RUN_NAMESPACE);
      for (const m of pods) await check(m);
      await cleanup();
      byFile.push(`${file} ${manifests.length}`);
    }
    figure(`strict dry-run: ${validated} objects validated from ${CI_FILES.length} values files in ${secs(performance.now() - t)} (${byFile.join(", ")})`);
    expect(problems).toEqual([]);
    expect(warnings).toEqual([]);
    expect(validated).toBeGreaterThan(60);
  }, 240_000);

  it("control: a misspelt field is rejected by strict validation, and a pod that is not restricted by Pod Security", async () => {
    const manifests = await render(helm, { files: ["ci/ha-values.yaml"] });
    const serve = structuredClone(manifests.find((m) => m.kind === "Deployment" && m.metadata.name === `${FULL}-serve`)) as unknown as KubeObject & {
      spec: { template: { spec: { containers: Record<string, unknown>[] } } };
    };
    const c = serve.spec.template.spec.containers[0]!;
    c.readinesProbe = c.readinessProbe;
    delete c.readinessProbe;
    const r = await cp.api.dryRunCreate(serve, DRY_RUN_NAMESPACE);
    figure(`control (misspelt field readinesProbe): HTTP ${r.status}: ${describeBody(r.body)}`);
    expect(r.status).toBe(400);
    expect(describeBody(r.body)).toMatch(/strict decoding error: unknown field "spec\.template\.spec\.containers\[0\]\.readinesProbe"/);

    const pod: KubeObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "not-restricted" },
      spec: { containers: [{ name: "c", image: "registry.example.com/x:1", securityContext: { allowPrivilegeEscalation: true } }] },
    };
    const denied = await cp.api.dryRunCreate(pod, DRY_RUN_NAMESPACE);
    figure(`control (Pod Security restricted): HTTP ${denied.status}: ${describeBody(denied.body).slice(0, 160)}…`);
    expect(denied.status).toBe(403);
    expect(describeBody(denied.body)).toContain('violates PodSecurity "restricted:latest"');
  }, 60_000);
});

describe("helm install, upgrade, test and uninstall in a restricted namespace", () => {
  const ns = INSTALL_NAMESPACE;
  let before: string[] = [];

  const deployments = () => cp.api.list<{ metadata: { name: string; generation: number }; spec: { replicas: number }; status: { availableReplicas?: number; observedGeneration?: number } }>("apps/v1", "Deployment", ns);
  const migrateJobRuns = async () => {
    const events = await cp.api.list<{ involvedObject: { kind: string; name: string; uid: string }; reason: string }>("v1", "Event", ns);
    return new Set(events.filter((e) => e.involvedObject.kind === "Job" && e.involvedObject.name === `${FULL}-migrate`).map((e) => e.involvedObject.uid)).size;
  };
  const helmStatus = async () =>
    JSON.parse(await helmRun(["status", RELEASE, "-n", ns, "-o", "json"])) as {
      version: number;
      info: { status: string };
      hooks?: { name: string; kind: string; events: string[]; last_run?: { started_at?: string; phase?: string } }[];
    };

  it("`helm install --wait` runs the migration hook Job and makes every Deployment Available", async () => {
    for (const s of [secret("taskyard-db", { DATABASE_URL: "mysql://taskyard:pw@mysql.db:3306/taskyard" }), secret("taskyard-worker", { token: "tyk_worker" }), secret("taskyard-helm-test", { token: "tyk_viewer" })]) {
      await cp.api.create(s, ns);
    }
    before = await cp.api.everythingIn(ns);
    const { ms } = await timed(() => helmRun(["install", RELEASE, chartDir, "-n", ns, "-f", INSTALL_VALUES, "--wait", "--timeout", "3m"]));
    figure(`helm install --wait: ${secs(ms)}`);

    const status = await helmStatus();
    expect(status.info.status).toBe("deployed");
    const migrate = status.hooks?.find((h) => h.kind === "Job");
    expect(migrate?.last_run?.phase).toBe("Succeeded");
    expect(await migrateJobRuns()).toBe(1);
    // hook-succeeded: the Job and its hook-scoped ConfigMap/ServiceAccount are gone again.
    expect(await cp.api.get({ apiVersion: "batch/v1", kind: "Job" }, `${FULL}-migrate`, ns)).toBeUndefined();
    expect(await cp.api.get({ apiVersion: "v1", kind: "ConfigMap" }, `${FULL}-migrate`, ns)).toBeUndefined();

    const ds = await deployments();
    expect(ds.map((d) => d.metadata.name).sort()).toEqual([`${FULL}-serve`, `${FULL}-worker-default`, `${FULL}-worker-python`, `${FULL}-worker-reports`]);
    for (const d of ds) expect(d.status.availableReplicas, d.metadata.name).toBe(d.spec.replicas);
    const pods = await cp.api.list<{ metadata: { name: string }; status: { phase: string } }>("v1", "Pod", ns);
    expect(pods.length).toBe(5); // serve ×2, one per worker group
    for (const kind of ["NetworkPolicy", "PodDisruptionBudget", "ServiceMonitor", "PrometheusRule", "ScaledObject"]) {
      const info = [...(await cp.api.discover()).values()].find((i) => i.kind === kind)!;
      expect((await cp.api.list(info.groupVersion, kind, ns)).length, kind).toBeGreaterThan(0);
    }
  }, 240_000);

  it("`helm upgrade --wait` re-runs the pre-upgrade migration hook and rolls the Deployments", async () => {
    const started = Date.now();
    const { ms } = await timed(() => helmRun(["upgrade", RELEASE, chartDir, "-n", ns, "-f", INSTALL_VALUES, "--set", "config.logLevel=debug", "--wait", "--timeout", "3m"]));
    figure(`helm upgrade --wait (pre-upgrade hook re-run, pods rolled): ${secs(ms)}`);
    const status = await helmStatus();
    expect(status.version).toBe(2);
    const migrate = status.hooks?.find((h) => h.kind === "Job");
    expect(migrate?.events).toContain("pre-upgrade");
    expect(migrate?.last_run?.phase).toBe("Succeeded");
    expect(Date.parse(migrate!.last_run!.started_at!)).toBeGreaterThanOrEqual(started - 1000);
    expect(await migrateJobRuns()).toBe(2); // a second Job (new uid) ran
    for (const d of await deployments()) {
      expect(d.metadata.generation, d.metadata.name).toBe(2); // the checksum/config annotation changed
      expect(d.status.observedGeneration, d.metadata.name).toBe(2);
      expect(d.status.availableReplicas, d.metadata.name).toBe(d.spec.replicas);
    }
  }, 240_000);

  it("`helm test` runs the test hook Pod to success", async () => {
    const { value, ms } = await timed(() => helmRun(["test", RELEASE, "-n", ns, "--timeout", "2m"]));
    figure(`helm test: ${secs(ms)}`);
    expect(value).toMatch(new RegExp(`TEST SUITE:\\s+${FULL}-test`));
    expect(value).toMatch(/Phase:\s+Succeeded/);
    // hook-succeeded: the Pod is deleted again.
    await waitFor("the test Pod to be deleted", 30_000, async () => ((await cp.api.get({ apiVersion: "v1", kind: "Pod" }, `${FULL}-test`, ns)) ? undefined : true));
  }, 180_000);

  it("`helm uninstall --wait` leaves nothing behind in the namespace", async () => {
    const { ms } = await timed(() => helmRun(["uninstall", RELEASE, "-n", ns, "--wait", "--timeout", "2m"]));
    // Pods go with their ReplicaSets (garbage collector), then kwok deletes them.
    const t = performance.now();
    let left: string[] = [];
    try {
      await waitFor("the namespace to be back to its state before the install", 90_000, async () => {
        left = await cp.api.everythingIn(ns);
        return JSON.stringify(left) === JSON.stringify(before) ? true : undefined;
      });
    } catch {
      // the assertion below shows the difference
    }
    figure(`helm uninstall --wait: ${secs(ms)} (+ ${secs(performance.now() - t)} until the garbage collector and kwok removed the pods); left in the namespace: ${left.join(", ")}`);
    expect(left).toEqual(before);
    expect(before).toEqual(["ConfigMap/kube-root-ca.crt", "Secret/taskyard-db", "Secret/taskyard-helm-test", "Secret/taskyard-worker", "ServiceAccount/default"]);
  }, 240_000);
});
