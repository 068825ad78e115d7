// The chart's optional platform features (all off by default): the `helm test` Pod,
// NetworkPolicies, PrometheusRule alerts, the Grafana dashboard and KEDA ScaledObjects.
// pod-options.test.ts has extraEnvFrom, init containers, sidecars, security contexts and limits.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { IPod } from "kubernetes-models/v1/Pod";
import type { IPrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureHelm } from "../../scripts/lib/helm.mjs";
import { chartDir, find, helmTemplate, ofKind, RELEASE, render, REQUIRED_VALUES, withRequired, type Manifest } from "./render.js";

const FULL = `${RELEASE}-taskyard`;
const RELEASE_SELECTOR = { "app.kubernetes.io/name": "taskyard", "app.kubernetes.io/instance": RELEASE };

interface ScaledObject {
  metadata: { name: string };
  spec: {
    scaleTargetRef: { name: string; kind: string };
    minReplicaCount: number;
    maxReplicaCount: number;
    triggers: { type: string; metadata: Record<string, string>; authenticationRef?: { name: string } }[];
  };
}

let helm: string;
let defaults: Manifest[];
let platform: Manifest[];

beforeAll(async () => {
  helm = ensureHelm({ quiet: true });
  [defaults, platform] = await Promise.all([render(helm, { values: REQUIRED_VALUES }), render(helm, { files: ["ci/platform-values.yaml"] })]);
}, 900_000);

async function renderError(values: Record<string, unknown>): Promise<string> {
  const r = await helmTemplate(helm, { values });
  if (r.ok) throw new Error(`expected helm template to fail, it rendered ${r.manifests.length} manifests`);
  return r.error;
}

describe("off by default", () => {
  it("renders no test Pod, NetworkPolicy, PrometheusRule, ScaledObject or dashboard without being asked", () => {
    const kinds = new Set(defaults.map((m) => m.kind));
    for (const kind of ["Pod", "NetworkPolicy", "PrometheusRule", "ScaledObject"]) expect(kinds.has(kind), kind).toBe(false);
    expect(defaults.map((m) => m.metadata.name)).not.toContain(`${FULL}-dashboard`);
  });
});

describe("helm test", () => {
  it("is a test-hook Pod running files/helm-test.mjs with node against the release's Service and the API key Secret", () => {
    const pod = find<IPod>(platform, "Pod", `${FULL}-test`);
    expect(pod.metadata?.annotations).toEqual({ "helm.sh/hook": "test", "helm.sh/hook-delete-policy": "before-hook-creation,hook-succeeded" });
    expect(pod.spec?.restartPolicy).toBe("Never");
    expect(pod.spec?.automountServiceAccountToken).toBe(false);
    const c = pod.spec!.containers[0]!;
    expect(c.image).toBe("registry.example.com/platform/taskyard:0.1.0");
    expect(c.command).toEqual(["node", "--input-type=module", "-e"]);
    expect(c.args).toEqual([readFileSync(path.join(chartDir, "files", "helm-test.mjs"), "utf8").trimEnd()]);
    expect(c.env).toEqual([
      { name: "TASKYARD_TEST_URL", value: `http://${FULL}:8080` },
      { name: "TASKYARD_TEST_TIMEOUT_S", value: "60" },
      { name: "TASKYARD_TOKEN", valueFrom: { secretKeyRef: { name: "taskyard-helm-test", key: "token" } } },
    ]);
    expect(pod.metadata?.labels).toMatchObject({ ...RELEASE_SELECTOR, "app.kubernetes.io/component": "test" });
  });

  it("needs an API key while auth is on, and a serve to test", async () => {
    expect(await renderError(withRequired({ helmTest: { enabled: true } }))).toContain("helmTest.apiKey.existingSecret must name the Secret");
    const off = await render(helm, { values: withRequired({ helmTest: { enabled: true }, config: { auth: { mode: "off" } } }) });
    expect(find<IPod>(off, "Pod", `${FULL}-test`).spec?.containers[0]?.env?.map((e) => e.name)).not.toContain("TASKYARD_TOKEN");
    expect(await renderError(withRequired({ helmTest: { enabled: true, apiKey: { existingSecret: "k" } }, serve: { enabled: false }, worker: { taskyardUrl: "http://x:8080" } }))).toContain(
      "helmTest.enabled must be false when serve.enabled is false",
    );
  });
});

describe("NetworkPolicy", () => {
  it("with allowExternal false admits only the release's pods and the listed peers to serve's API port", () => {
    const serve = find<INetworkPolicy>(platform, "NetworkPolicy", `${FULL}-serve`);
    expect(serve.spec?.podSelector?.matchLabels).toEqual({ ...RELEASE_SELECTOR, "app.kubernetes.io/component": "serve" });
    expect(serve.spec?.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(serve.spec?.ingress).toEqual([
      {
        ports: [{ protocol: "TCP", port: 8080 }],
        from: [
          { podSelector: { matchLabels: RELEASE_SELECTOR } },
          { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } },
          { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } },
        ],
      },
    ]);
  });

  it("lets workers reach only DNS, serve's port and extraTo, and only scrapes reach them; migration pods accept nothing", () => {
    const worker = find<INetworkPolicy>(platform, "NetworkPolicy", `${FULL}-worker`);
    expect(worker.spec?.ingress).toEqual([{ ports: [{ protocol: "TCP", port: 9464 }], from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }] }]);
    expect(worker.spec?.egress).toEqual([
      { to: [{ namespaceSelector: {} }], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] },
      { to: [{ podSelector: { matchLabels: { ...RELEASE_SELECTOR, "app.kubernetes.io/component": "serve" } } }], ports: [{ protocol: "TCP", port: 8080 }] },
      { to: [{ ipBlock: { cidr: "10.0.0.0/8" } }], ports: [{ port: 3306, protocol: "TCP" }, { port: 7233, protocol: "TCP" }] },
    ]);
    const migrate = find<INetworkPolicy>(platform, "NetworkPolicy", `${FULL}-migrate`);
    expect(migrate.spec?.ingress).toEqual([]);
    expect(migrate.spec?.egress?.map((r) => r.ports?.map((p) => p.port))).toEqual([[53, 53], [3306, 7233]]);
  });

  it("by default leaves serve's port open to all and egress unrestricted", async () => {
    const ms = await render(helm, { values: withRequired({ networkPolicy: { enabled: true } }) });
    const serve = find<INetworkPolicy>(ms, "NetworkPolicy", `${FULL}-serve`);
    expect(serve.spec?.ingress).toEqual([{ ports: [{ protocol: "TCP", port: 8080 }] }]);
    expect(serve.spec?.policyTypes).toEqual(["Ingress"]);
    expect(ofKind<INetworkPolicy>(ms, "NetworkPolicy").map((n) => n.metadata?.name).sort()).toEqual([`${FULL}-migrate`, `${FULL}-serve`, `${FULL}-worker`]);
  });
});

describe("monitoring", () => {
  it("alerts on the series the ServiceMonitors collect, with the job labels they produce", () => {
    const rule = find<IPrometheusRule>(platform, "PrometheusRule", FULL);
    expect(rule.metadata?.labels).toMatchObject({ release: "kube-prometheus-stack" });
    const rules = rule.spec.groups![0]!.rules!;
    expect(rules.map((r) => r.alert)).toEqual([
      "TaskyardServeDown",
      "TaskyardRpcErrors",
      "TaskyardRpcLatencyHigh",
      "TaskyardServeNotServing",
      "TaskyardQueueWaitHigh",
      "TaskyardDispatchFailing",
      "TaskyardReconcilerRepairsSpiking",
      "TaskyardDbPoolSaturated",
      "TaskyardWorkersDown",
      "TaskyardHandlerFailures",
    ]);
    const expr = Object.fromEntries(rules.map((r) => [r.alert, String(r.expr)]));
    expect(expr.TaskyardServeDown).toBe(`absent(up{namespace="jobs",job="${FULL}"} == 1)`);
    expect(expr.TaskyardWorkersDown).toBe(`absent(up{namespace="jobs",job="${FULL}-worker-metrics"} == 1)`);
    expect(expr.TaskyardRpcErrors).toContain(`taskyard_rpc_duration_seconds_count{namespace="jobs",job="${FULL}",code=~"INTERNAL|UNKNOWN|UNAVAILABLE|DATA_LOSS"}`);
    expect(expr.TaskyardRpcErrors).toMatch(/> 0\.05$/);
    expect(expr.TaskyardRpcLatencyHigh).toMatch(/^histogram_quantile\(0\.99, .*procedure!~".*\/\(Watch\.\*\|WaitTask\)".*> 1$/);
    for (const r of rules) expect(r.labels, r.alert).toMatchObject({ team: "platform" });
    // Prometheus' own templates reach the rule unrendered by Helm.
    expect(rules.find((r) => r.alert === "TaskyardQueueWaitHigh")?.annotations?.description).toContain("{{ $labels.queue }}");
    expect(expr.TaskyardHandlerFailures).toContain(`taskyard_worker_handler_runs_total{namespace="jobs",job="${FULL}-worker-metrics",outcome=~"failed|error"}`);
  });

  it("ships a Grafana dashboard ConfigMap for the sidecar that queries only metrics Taskyard exports", () => {
    const cm = find<IConfigMap>(platform, "ConfigMap", `${FULL}-dashboard`);
    expect(cm.metadata?.labels).toMatchObject({ grafana_dashboard: "1" });
    expect(cm.metadata?.annotations).toEqual({ grafana_folder: "Taskyard" });
    const dash = JSON.parse(cm.data!["taskyard.json"]!) as { uid: string; panels: { type: string; targets?: { expr: string }[] }[] };
    expect(dash.uid).toBe("taskyard");
    const metrics = new Set(dash.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => [...t.expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map((m) => m[1]!))));
    // Taskyard's own names are the ones its sources declare; the rest are the process defaults and Temporal's SDK metrics.
    const src = ["src/infra/metrics.ts", "src/infra/db-gauges.ts", "src/app/api-metrics.ts"].map((f) => readFileSync(path.join(chartDir, "..", "..", f), "utf8")).join("\n");
    const declared = new Set([...src.matchAll(/"(taskyard_[a-z_]+)"/g)].map((m) => m[1]!));
    const others = /^(process_cpu_seconds_total|process_resident_memory_bytes|nodejs_eventloop_lag_p99_seconds|up|temporal_worker_task_slots_used|temporal_activity_schedule_to_start_latency_seconds_bucket)$/;
    for (const m of metrics) expect(declared.has(m.replace(/_(count|bucket|sum)$/, "")) || others.test(m), m).toBe(true);
    for (const name of ["taskyard_rpc_duration_seconds", "taskyard_tasks_dispatched_total", "taskyard_tasks_by_status", "taskyard_worker_handler_runs_total"]) expect(declared.has(name), name).toBe(true);
  });
});

describe("KEDA", () => {
  it("scales a worker group on its queues' backlog (tasks QUEUED or RUNNING) per `concurrency` tasks by default, leaving its replicas to KEDA", () => {
    const so = find<ScaledObject>(platform, "ScaledObject", `${FULL}-worker-reports`);
    expect(so.spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: `${FULL}-worker-reports` });
    expect([so.spec.minReplicaCount, so.spec.maxReplicaCount]).toEqual([1, 3]);
    expect(so.spec.triggers).toEqual([
      {
        type: "prometheus",
        metadata: {
          serverAddress: "http://prometheus-operated.monitoring:9090",
          query: `sum(max by (tenant, queue, status) (taskyard_tasks_by_status{namespace="jobs",job="${FULL}",queue=~"reports",status=~"QUEUED|RUNNING"}))`,
          threshold: "10", // worker.concurrency
          activationThreshold: "0",
        },
      },
    ]);
    expect(find<IDeployment>(platform, "Deployment", `${FULL}-worker-reports`).spec?.replicas).toBeUndefined();
    expect(find<IDeployment>(platform, "Deployment", `${FULL}-worker-default`).spec?.replicas).toBe(1);
    expect(ofKind(platform, "ScaledObject")).toHaveLength(1);
  });

  it("matches all of a group's queues, regex characters escaped for PromQL", async () => {
    const ms = await render(helm, {
      values: withRequired({ worker: { keda: { serverAddress: "http://p:9090" }, groups: { default: { queues: ["default", "video.hd"], concurrency: 4, keda: { enabled: true } } } } }),
    });
    const so = find<ScaledObject>(ms, "ScaledObject", `${FULL}-worker-default`);
    expect(so.spec.triggers[0]!.metadata.query).toContain('queue=~"default|video\\\\.hd"');
    expect(so.spec.triggers[0]!.metadata.threshold).toBe("4");
  });

  it("takes a group's own query, threshold and TriggerAuthentication", async () => {
    const ms = await render(helm, {
      values: withRequired({
        worker: { keda: { serverAddress: "https://prom.example.com" }, groups: { default: { keda: { enabled: true, query: "sum(my_queue_depth)", threshold: 50, authenticationRef: "prom-auth" } } } },
      }),
    });
    const so = find<ScaledObject>(ms, "ScaledObject", `${FULL}-worker-default`);
    expect(so.spec.triggers[0]!.metadata).toMatchObject({ query: "sum(my_queue_depth)", threshold: "50", serverAddress: "https://prom.example.com" });
    expect(so.spec.triggers[0]!.authenticationRef).toEqual({ name: "prom-auth" });
  });

  it("refuses a group scaled by both KEDA and the chart's HPA, or without a Prometheus address", async () => {
    expect(await renderError(withRequired({ worker: { keda: { serverAddress: "http://p:9090" }, groups: { default: { autoscaling: { enabled: true }, keda: { enabled: true } } } } }))).toContain(
      "worker.groups.default.autoscaling.enabled must be false when worker.groups.default.keda.enabled is true",
    );
    expect(await renderError(withRequired({ worker: { groups: { default: { keda: { enabled: true } } } } }))).toContain("worker.keda.serverAddress (or worker.groups.default.keda.serverAddress) must be the Prometheus URL");
  });
});
