// The Helm chart (helm/taskyard): lint, render, validate against the Kubernetes API schemas
// offline, and check the behaviour that matters in a cluster.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { IHorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import type { IIngress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { ISecret } from "kubernetes-models/v1/Secret";
import type { IService } from "kubernetes-models/v1/Service";
import type { IServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";
import type { IIoK8sApiCoreV1Container as IContainer } from "kubernetes-models/v1/Container";
import type { IIoK8sApiCoreV1EnvVar as IEnvVar } from "kubernetes-models/v1/EnvVar";
import type { IIoK8sApiCoreV1PodTemplateSpec as IPodTemplateSpec } from "kubernetes-models/v1/PodTemplateSpec";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ensureHelm } from "../../scripts/lib/helm.mjs";
import { schemaErrors, strictTypeErrors } from "./k8s-schema.js";
import {
  chartDir,
  find,
  helmLint,
  helmTemplate,
  NAMESPACE,
  ofKind,
  RELEASE,
  render,
  REQUIRED_VALUES,
  type Manifest,
  type RenderInput,
} from "./render.js";

const FULL = `${RELEASE}-taskyard`;
const CI_FILES = [
  "ci/ha-values.yaml",
  "ci/external-secret-values.yaml",
  "ci/ingress-values.yaml",
  "ci/workers-only-values.yaml",
  "ci/own-image-worker-values.yaml",
  "ci/platform-values.yaml",
];
const CASES: Record<string, RenderInput> = {
  "required values only": { values: REQUIRED_VALUES },
  ...Object.fromEntries(CI_FILES.map((f) => [f, { files: [f] }])),
};
const chart = parse(readFileSync(path.join(chartDir, "Chart.yaml"), "utf8")) as { appVersion: string };

let helm: string;
const rendered: Record<string, Manifest[]> = {};

beforeAll(async () => {
  // Builds helm with `go install` on a machine that has none (minutes, once).
  helm = ensureHelm({ quiet: true });
  await Promise.all(Object.entries(CASES).map(async ([name, input]) => (rendered[name] = await render(helm, input))));
}, 900_000);

function podTemplates(manifests: Manifest[]): { id: string; template: IPodTemplateSpec }[] {
  return manifests.flatMap((m) => {
    if (m.kind === "Deployment") return [{ id: `Deployment/${m.metadata.name}`, template: (m as unknown as IDeployment).spec!.template }];
    if (m.kind === "Job") return [{ id: `Job/${m.metadata.name}`, template: (m as unknown as IJob).spec!.template }];
    if (m.kind === "Pod") return [{ id: `Pod/${m.metadata.name}`, template: m as unknown as IPodTemplateSpec }];
    return [];
  });
}

function container(d: { spec?: { template: IPodTemplateSpec } }, name: string): IContainer {
  const c = d.spec?.template.spec?.containers.find((x) => x.name === name);
  if (!c) throw new Error(`no container ${name}`);
  return c;
}

function env(c: IContainer, name: string): IEnvVar | undefined {
  return c.env?.find((e) => e.name === name);
}

async function renderError(values: Record<string, unknown>): Promise<string> {
  const r = await helmTemplate(helm, { values });
  if (r.ok) throw new Error(`expected helm template to fail, it rendered ${r.manifests.length} manifests`);
  return r.error;
}

/** REQUIRED_VALUES deep-merged with overrides (objects merge, anything else replaces). */
function withValues(overrides: Record<string, unknown>): Record<string, unknown> {
  const merge = (a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) {
      const prev = out[k];
      out[k] =
        v && typeof v === "object" && !Array.isArray(v) && prev && typeof prev === "object" && !Array.isArray(prev)
          ? merge(prev as Record<string, unknown>, v as Record<string, unknown>)
          : v;
    }
    return out;
  };
  return merge(REQUIRED_VALUES, overrides);
}

describe("helm lint", () => {
  it.each(Object.keys(CASES))("passes `helm lint --strict` with %s", async (name) => {
    const r = await helmLint(helm, CASES[name]);
    expect(r.output).toContain("0 chart(s) failed");
    expect(r.ok).toBe(true);
  });

  it("passes `helm lint --strict` on the chart defaults, reporting the required values", async () => {
    // Lint mode turns `fail` into a note, so charts with required values still lint.
    const r = await helmLint(helm);
    expect(r.ok).toBe(true);
    expect(r.output).toContain("database.url or database.existingSecret must be set");
    expect(r.output).toContain("temporal.address must be set");
    expect(r.output).toContain("worker.credentials.existingSecret (or worker.groups.default.credentials.existingSecret) must name the Secret");
  });

  it("refuses to render the chart defaults alone, naming the missing database value", async () => {
    const r = await helmTemplate(helm);
    expect(r.ok).toBe(false);
    expect(r.ok ? "" : r.error).toContain("database.url or database.existingSecret must be set");
  });
});

describe("rendered manifests match the Kubernetes API", () => {
  it.each(Object.keys(CASES))("every manifest of %s passes the Kubernetes JSON schema", (name) => {
    const manifests = rendered[name]!;
    expect(manifests.length).toBeGreaterThan(3);
    expect(manifests.flatMap(schemaErrors)).toEqual([]);
  });

  it("no manifest of any case has an unknown or mistyped field", () => {
    const all = Object.values(rendered).flat();
    expect(strictTypeErrors(all)).toEqual([]);
  }, 60_000);

  it("the validators can fail: a wrongly typed value fails both, a misspelt field fails the strict check", () => {
    const good = find<IDeployment>(rendered["required values only"]!, "Deployment", `${FULL}-serve`);
    const mistyped = structuredClone(good) as unknown as Manifest & IDeployment;
    mistyped.spec!.template.spec!.containers[0]!.readinessProbe = { grpc: { port: "grpc" as unknown as number } };
    expect(schemaErrors(mistyped).join("\n")).toMatch(/readinessProbe\/grpc\/port must be integer/);
    expect(strictTypeErrors([mistyped]).join("\n")).toMatch(/Deployment\/ty-taskyard-serve: Type 'string' is not assignable to type 'number'/);

    const misspelt = structuredClone(good) as unknown as Manifest & IDeployment;
    const c = misspelt.spec!.template.spec!.containers[0]! as IContainer & Record<string, unknown>;
    c.readinesProbe = c.readinessProbe;
    delete c.readinessProbe;
    expect(strictTypeErrors([misspelt]).join("\n")).toMatch(/Deployment\/ty-taskyard-serve: .*'"?readinesProbe"?' does not exist/);
  }, 60_000);
});

describe("serve", () => {
  const manifests = () => rendered["required values only"]!;

  it("has native gRPC startup, readiness and liveness probes on the API port", () => {
    const serve = container(find<IDeployment>(manifests(), "Deployment", `${FULL}-serve`), "serve");
    expect(serve.ports).toEqual([{ name: "grpc", containerPort: 8080, protocol: "TCP" }]);
    // Start-up and readiness follow the server as a whole (NOT_SERVING while MySQL is down);
    // liveness checks the health service itself, so a database outage restarts no pod.
    for (const probe of [serve.startupProbe, serve.readinessProbe]) {
      expect(probe?.grpc).toEqual({ port: 8080 });
      expect(probe?.httpGet).toBeUndefined();
    }
    expect(serve.livenessProbe?.grpc).toEqual({ port: 8080, service: "grpc.health.v1.Health" });
    expect(serve.args).toEqual(["serve"]);
  });

  it("moves the probes and TASKYARD_PORT with serve.port and checks a named health service", async () => {
    const ms = await render(helm, { values: withValues({ serve: { port: 9090, probes: { readiness: { service: "taskyard.v1.TaskService" } } } }) });
    const serve = container(find<IDeployment>(ms, "Deployment", `${FULL}-serve`), "serve");
    expect(serve.readinessProbe?.grpc).toEqual({ port: 9090, service: "taskyard.v1.TaskService" });
    expect(serve.livenessProbe?.grpc).toEqual({ port: 9090, service: "grpc.health.v1.Health" });
    expect(find<IConfigMap>(ms, "ConfigMap", FULL).data?.TASKYARD_PORT).toBe("9090");
  });

  it("is exposed by a Service port named grpc with appProtocol kubernetes.io/h2c, selecting only serve pods", () => {
    const svc = find<IService>(manifests(), "Service", FULL);
    expect(svc.spec?.ports).toEqual([{ name: "grpc", port: 8080, targetPort: "grpc", protocol: "TCP", appProtocol: "kubernetes.io/h2c" }]);
    expect(svc.spec?.selector).toEqual({
      "app.kubernetes.io/name": "taskyard",
      "app.kubernetes.io/instance": RELEASE,
      "app.kubernetes.io/component": "serve",
    });
    const serve = find<IDeployment>(manifests(), "Deployment", `${FULL}-serve`);
    expect(serve.spec?.template.metadata?.labels).toMatchObject(svc.spec!.selector!);
  });

  it("drains before SIGTERM: preStop sleep inside terminationGracePeriodSeconds", () => {
    const d = find<IDeployment>(manifests(), "Deployment", `${FULL}-serve`);
    expect(container(d, "serve").lifecycle?.preStop?.exec?.command).toEqual(["sleep", "5"]);
    expect(d.spec?.template.spec?.terminationGracePeriodSeconds).toBe(30);
    expect(d.spec?.replicas).toBe(2);
  });
});

describe("security", () => {
  it.each(Object.keys(CASES))("every pod and container of %s is restricted, with a writable /tmp only", (name) => {
    const templates = podTemplates(rendered[name]!);
    expect(templates.length).toBeGreaterThan(0);
    for (const { id, template } of templates) {
      const pod = template.spec!;
      expect(pod.securityContext, id).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
      expect(pod.automountServiceAccountToken, id).toBe(false);
      expect(pod.hostNetwork ?? false, id).toBe(false);
      for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
        expect(c.securityContext, `${id} ${c.name}`).toMatchObject({
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ["ALL"] },
          seccompProfile: { type: "RuntimeDefault" },
        });
        expect(c.securityContext?.capabilities?.add ?? [], `${id} ${c.name}`).toEqual([]);
        expect(c.securityContext?.privileged ?? false, `${id} ${c.name}`).toBe(false);
        // The chart's own containers; init containers and sidecars given in values mount what they need.
        if (["serve", "worker", "migrate", "test"].includes(c.name)) expect(c.volumeMounts, `${id} ${c.name}`).toContainEqual({ name: "tmp", mountPath: "/tmp" });
        expect(c.resources?.requests, `${id} ${c.name}`).toBeDefined();
      }
      expect(pod.volumes, id).toContainEqual({ name: "tmp", emptyDir: { sizeLimit: "256Mi" } });
    }
  });

  it("runs as the image's non-root uid (Dockerfile USER)", () => {
    const dockerfile = readFileSync(path.join(chartDir, "..", "..", "Dockerfile"), "utf8");
    const uid = Number(/^USER (\d+):(\d+)$/m.exec(dockerfile)?.[1]);
    expect(uid).toBeGreaterThan(0);
    for (const { template } of podTemplates(rendered["required values only"]!)) {
      expect(template.spec?.securityContext?.runAsUser).toBe(uid);
    }
  });
});

describe("migration hook", () => {
  const ms = () => rendered["required values only"]!;
  const weight = (m: { metadata?: { annotations?: Record<string, string> } }) => Number(m.metadata?.annotations?.["helm.sh/hook-weight"]);

  it("is a pre-install/pre-upgrade Job that runs `migrate` and is deleted once it succeeded", () => {
    const job = find<IJob>(ms(), "Job", `${FULL}-migrate`);
    expect(job.metadata?.annotations).toMatchObject({
      "helm.sh/hook": "pre-install,pre-upgrade",
      "helm.sh/hook-weight": "-5",
      "helm.sh/hook-delete-policy": "before-hook-creation,hook-succeeded",
    });
    const c = container(job, "migrate");
    expect(c.args).toEqual(["migrate"]);
    expect(job.spec?.template.spec?.restartPolicy).toBe("Never");
    expect(job.spec?.backoffLimit).toBe(2);
  });

  it("reads hook copies of its ConfigMap and ServiceAccount, created at a lower weight before it", () => {
    const job = find<IJob>(ms(), "Job", `${FULL}-migrate`);
    const hookCm = find<IConfigMap>(ms(), "ConfigMap", `${FULL}-migrate`);
    const hookSa = find(ms(), "ServiceAccount", `${FULL}-migrate`);
    for (const dep of [hookCm, hookSa]) {
      expect(dep.metadata?.annotations?.["helm.sh/hook"]).toBe("pre-install,pre-upgrade");
      expect(weight(dep)).toBeLessThan(weight(job));
      expect(dep.metadata?.annotations?.["helm.sh/hook-delete-policy"]).toBe("before-hook-creation,hook-succeeded");
    }
    expect(container(job, "migrate").envFrom).toEqual([{ configMapRef: { name: `${FULL}-migrate` } }]);
    expect(job.spec?.template.spec?.serviceAccountName).toBe(`${FULL}-migrate`);
    // Same settings as the release's own ConfigMap.
    expect(hookCm.data).toEqual(find<IConfigMap>(ms(), "ConfigMap", FULL).data);
  });

  it("with an inline database.url reads a hook Secret copy, not the release Secret that does not exist yet", async () => {
    expect(ofKind(rendered["ci/ingress-values.yaml"]!, "Job")).toEqual([]); // that case migrates on start instead
    const ms = await render(helm, { files: ["ci/ingress-values.yaml"], values: { migrations: { enabled: true } } });
    const job = find<IJob>(ms, "Job", `${FULL}-migrate`);
    const secret = find<ISecret>(ms, "Secret", `${FULL}-migrate`);
    expect(secret.metadata?.annotations?.["helm.sh/hook"]).toBe("pre-install,pre-upgrade");
    expect(weight(secret)).toBeLessThan(weight(job));
    expect(secret.data).toEqual(find<ISecret>(ms, "Secret", FULL).data);
    expect(env(container(job, "migrate"), "DATABASE_URL")?.valueFrom?.secretKeyRef).toEqual({ name: `${FULL}-migrate`, key: "DATABASE_URL" });
  });

  it("is not rendered when migrations.enabled is false", () => {
    const ms2 = rendered["ci/workers-only-values.yaml"]!;
    expect(ms2.filter((m) => m.metadata.annotations?.["helm.sh/hook"])).toEqual([]);
  });
});

describe("configuration flows into the environment", () => {
  it("takes TEMPORAL_API_KEY in every role, and DATABASE_URL in serve and migrate, from existing Secrets via secretKeyRef", () => {
    const ms = rendered["ci/external-secret-values.yaml"]!;
    expect(ofKind(ms, "Secret")).toEqual([]); // the chart stores no credential
    const containers = podTemplates(ms).flatMap(({ template }) => template.spec!.containers);
    expect(containers.map((c) => c.name).sort()).toEqual(["migrate", "serve", "worker"]);
    for (const c of containers) {
      expect(env(c, "DATABASE_URL"), c.name).toEqual(
        c.name === "worker" ? undefined : { name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: "taskyard-credentials", key: "DATABASE_URL" } } },
      );
      expect(env(c, "TEMPORAL_API_KEY")?.valueFrom?.secretKeyRef, c.name).toEqual({ name: "taskyard-credentials", key: "TEMPORAL_API_KEY" });
    }
    const data = find<IConfigMap>(ms, "ConfigMap", FULL).data!;
    expect(data).toMatchObject({
      TEMPORAL_ADDRESS: "us-east-1.aws.api.temporal.io:7233",
      TEMPORAL_NAMESPACE: "taskyard-prod.a1b2c",
      TEMPORAL_TLS: "true", // implied by the API key
      // The base URL only: the server appends /namespaces/<ns>/workflows/<id>/<run>.
      TEMPORAL_UI_URL: "https://cloud.temporal.io",
    });
    expect(Object.keys(data)).not.toContain("DATABASE_URL");
    expect(Object.keys(data)).not.toContain("TEMPORAL_API_KEY");
  });

  it("uses database.existingSecretKey when the Secret names its key differently", () => {
    const serve = container(find<IDeployment>(rendered["ci/ha-values.yaml"]!, "Deployment", `${FULL}-serve`), "serve");
    expect(env(serve, "DATABASE_URL")?.valueFrom?.secretKeyRef).toEqual({ name: "taskyard-db", key: "url" });
    expect(env(serve, "TEMPORAL_API_KEY")).toBeUndefined();
  });

  it("stores an inline database.url in the chart's Secret, never in the ConfigMap, and rolls pods when it changes", async () => {
    const ms = rendered["ci/ingress-values.yaml"]!;
    const secret = find<ISecret>(ms, "Secret", FULL);
    expect(Buffer.from(secret.data!.DATABASE_URL!, "base64").toString()).toBe("mysql://taskyard:staging-password@mysql.staging.svc:3306/taskyard");
    const cm = find<IConfigMap>(ms, "ConfigMap", FULL);
    expect(JSON.stringify(cm)).not.toContain("staging-password");
    const serve = find<IDeployment>(ms, "Deployment", `${FULL}-serve`);
    expect(env(container(serve, "serve"), "DATABASE_URL")?.valueFrom?.secretKeyRef).toEqual({ name: FULL, key: "DATABASE_URL" });

    const changed = await render(helm, { files: ["ci/ingress-values.yaml"], values: { database: { url: "mysql://taskyard:rotated@mysql.staging.svc:3306/taskyard" } } });
    const before = serve.spec?.template.metadata?.annotations;
    const after = find<IDeployment>(changed, "Deployment", `${FULL}-serve`).spec?.template.metadata?.annotations;
    expect(after?.["checksum/secret"]).toMatch(/^[0-9a-f]{64}$/);
    expect(after?.["checksum/secret"]).not.toBe(before?.["checksum/secret"]);
    expect(after?.["checksum/config"]).toBe(before?.["checksum/config"]);
  });

  it("puts shared settings in the ConfigMap every role loads, extraEnv overriding the chart's keys", () => {
    const ms = rendered["ci/ingress-values.yaml"]!;
    expect(find<IConfigMap>(ms, "ConfigMap", FULL).data).toEqual({
      TASKYARD_HOST: "0.0.0.0",
      TASKYARD_PORT: "8080",
      LOG_LEVEL: "debug",
      TASKYARD_MIGRATE_ON_START: "true",
      TASKYARD_WORKFLOW_TASK_QUEUE: "taskyard.workflows",
      TASKYARD_WORKER_TTL_MS: "30000",
      TEMPORAL_ADDRESS: "temporal-frontend.temporal:7233",
      TEMPORAL_NAMESPACE: "default",
      TEMPORAL_TLS: "false",
      TEMPORAL_UI_URL: "http://temporal-web.staging.example.com",
      TASKYARD_CORS_ORIGINS: "https://console.staging.example.com,http://localhost:5173",
      TASKYARD_DISPATCH_INTERVAL_MS: "250",
      TASKYARD_RECONCILE_INTERVAL_MS: "10000",
      TASKYARD_PROGRESS_INTERVAL_MS: "1000",
      TASKYARD_SHUTDOWN_GRACE_MS: "10000",
      TASKYARD_CREATE_RATE_PER_SECOND: "100",
      TASKYARD_CREATE_BURST: "1000",
      TASKYARD_MAX_STREAMS_PER_CALLER: "16",
      TASKYARD_AUTH_MODE: "on",
      TASKYARD_AUTH_TENANT_CLAIM: "tenant",
      TASKYARD_AUTH_ROLES_CLAIM: "roles",
      TASKYARD_AUTH_PRINCIPAL_CLAIM: "sub",
    });
    for (const { template } of podTemplates(ms)) {
      expect(template.spec?.containers[0]?.envFrom).toEqual([{ configMapRef: { name: FULL } }]);
    }
  });

  it("passes JWT issuers and audiences under the names the server reads", async () => {
    const ms = await render(helm, {
      values: withValues({ config: { auth: { jwksUrl: "https://idp.example.com/jwks.json", issuers: ["https://idp.example.com/"], audience: ["taskyard", "ops"] } } }),
    });
    expect(find<IConfigMap>(ms, "ConfigMap", FULL).data).toMatchObject({
      TASKYARD_AUTH_JWKS_URL: "https://idp.example.com/jwks.json",
      TASKYARD_AUTH_JWT_ISSUERS: "https://idp.example.com/",
      TASKYARD_AUTH_JWT_AUDIENCE: "taskyard,ops",
    });
  });

  it("changes checksum/config on every pod template when a setting changes", async () => {
    const base = rendered["required values only"]!;
    const debug = await render(helm, { values: withValues({ config: { logLevel: "debug" } }) });
    const sums = (ms: Manifest[]) => ofKind<IDeployment>(ms, "Deployment").map((d) => d.spec?.template.metadata?.annotations?.["checksum/config"]);
    expect(sums(base).length).toBe(2);
    expect(sums(base).every((s) => /^[0-9a-f]{64}$/.test(s ?? ""))).toBe(true);
    for (const [a, b] of sums(base).map((s, i) => [s, sums(debug)[i]])) expect(a).not.toBe(b);
  });

  it("mounts the Temporal mTLS Secret read-only and points the TLS path variables at it", () => {
    const ms = rendered["ci/ha-values.yaml"]!;
    expect(find<IConfigMap>(ms, "ConfigMap", FULL).data).toMatchObject({
      TEMPORAL_TLS: "true",
      TEMPORAL_TLS_CLIENT_CERT_PATH: "/etc/taskyard/temporal-tls/tls.crt",
      TEMPORAL_TLS_CLIENT_KEY_PATH: "/etc/taskyard/temporal-tls/tls.key",
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: "/etc/taskyard/temporal-tls/ca.crt",
      TEMPORAL_TLS_SERVER_NAME: "temporal-frontend.temporal.svc",
    });
    for (const { id, template } of podTemplates(ms)) {
      expect(template.spec?.volumes, id).toContainEqual({ name: "temporal-tls", secret: { secretName: "taskyard-temporal-client-tls", defaultMode: 0o440 } /* 288 */ });
      expect(template.spec?.containers[0]?.volumeMounts, id).toContainEqual({ name: "temporal-tls", mountPath: "/etc/taskyard/temporal-tls", readOnly: true });
    }
  });

  it("defaults the image tag to the chart's appVersion; a digest pins it", async () => {
    const serve = container(find<IDeployment>(rendered["required values only"]!, "Deployment", `${FULL}-serve`), "serve");
    expect(chart.appVersion).toBe("0.1.0");
    expect(serve.image).toBe(`taskyard:${chart.appVersion}`);
    const digest = `sha256:${"ab".repeat(32)}`;
    const pinned = await render(helm, { values: withValues({ image: { repository: "registry.example.com/taskyard", tag: "9.9.9", digest } }) });
    for (const { template } of podTemplates(pinned)) expect(template.spec?.containers[0]?.image).toBe(`registry.example.com/taskyard@${digest}`);
  });
});

describe("workers", () => {
  it("runs one Deployment per group with its own queues, concurrency, size and scheduling", () => {
    const ms = rendered["ci/ha-values.yaml"]!;
    const workers = ofKind<IDeployment>(ms, "Deployment").filter((d) => d.metadata?.labels?.["app.kubernetes.io/component"] === "worker");
    expect(workers.map((d) => d.metadata?.name).sort()).toEqual([`${FULL}-worker-default`, `${FULL}-worker-video`]);

    const general = container(find<IDeployment>(ms, "Deployment", `${FULL}-worker-default`), "worker");
    expect(general.args).toEqual(["worker"]);
    expect(env(general, "TASKYARD_WORKER_QUEUES")?.value).toBe("default,reports");
    expect(env(general, "TASKYARD_WORKER_CONCURRENCY")?.value).toBe("20"); // worker.concurrency default
    expect(general.resources?.requests).toEqual({ cpu: "250m", memory: "512Mi" }); // inherited

    const videoDeployment = find<IDeployment>(ms, "Deployment", `${FULL}-worker-video`);
    const video = container(videoDeployment, "worker");
    expect(env(video, "TASKYARD_WORKER_QUEUES")?.value).toBe("video");
    expect(env(video, "TASKYARD_WORKER_CONCURRENCY")?.value).toBe("2");
    expect(video.resources?.limits).toMatchObject({ "nvidia.com/gpu": 1 });
    expect(videoDeployment.spec?.replicas).toBe(2);
    expect(videoDeployment.spec?.template.spec?.nodeSelector).toEqual({ "cloud.google.com/gke-accelerator": "nvidia-l4" });
    expect(videoDeployment.spec?.template.spec?.terminationGracePeriodSeconds).toBe(300);
    expect(videoDeployment.spec?.selector.matchLabels).toMatchObject({ "taskyard.io/worker-group": "video" });
  });

  it("serves /metrics and /healthz on TASKYARD_WORKER_METRICS_PORT with HTTP probes", () => {
    const w = container(find<IDeployment>(rendered["ci/workers-only-values.yaml"]!, "Deployment", "taskyard-gpu-worker-gpu"), "worker");
    expect(env(w, "TASKYARD_WORKER_METRICS_PORT")?.value).toBe("9100");
    expect(w.ports).toEqual([{ name: "metrics", containerPort: 9100, protocol: "TCP" }]);
    expect(w.readinessProbe?.httpGet).toEqual({ path: "/healthz", port: "metrics" });
    expect(w.livenessProbe?.httpGet).toEqual({ path: "/healthz", port: "metrics" });
  });

  it("has no port and no probes when worker.metrics.enabled is false", async () => {
    const ms = await render(helm, { values: withValues({ worker: { metrics: { enabled: false } } }) });
    const w = container(find<IDeployment>(ms, "Deployment", `${FULL}-worker-default`), "worker");
    expect(w.ports).toBeUndefined();
    expect(w.readinessProbe).toBeUndefined();
    expect(env(w, "TASKYARD_WORKER_METRICS_PORT")).toBeUndefined();
    expect(ms.map((m) => m.metadata.name)).not.toContain(`${FULL}-worker-metrics`);
  });

  it("workers-only: no API, Ingress or migration, only the enabled groups", () => {
    const ms = rendered["ci/workers-only-values.yaml"]!;
    expect(ms.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      "ConfigMap/taskyard-gpu",
      "Deployment/taskyard-gpu-worker-gpu",
      "PodDisruptionBudget/taskyard-gpu-worker-gpu",
      "Service/taskyard-gpu-worker-metrics",
      "ServiceAccount/taskyard-gpu",
    ]);
  });
});

describe("workers reach Taskyard's API, never the database", () => {
  const workerDeployments = (ms: Manifest[]) =>
    ofKind<IDeployment>(ms, "Deployment").filter((d) => d.metadata?.labels?.["app.kubernetes.io/component"] === "worker");

  it.each(Object.keys(CASES))("worker pods of %s get no DATABASE_* variable and no database Secret", (name) => {
    const ms = rendered[name]!;
    const workers = workerDeployments(ms);
    expect(workers.length).toBeGreaterThan(0);
    const cm = find<IConfigMap>(ms, "ConfigMap", ms.find((m) => m.kind === "ConfigMap" && m.metadata.labels?.["app.kubernetes.io/component"] === undefined)!.metadata.name);
    expect(Object.keys(cm.data ?? {}).filter((k) => k.startsWith("DATABASE_"))).toEqual([]);
    for (const d of workers) {
      const pod = d.spec!.template.spec!;
      for (const c of pod.containers) {
        const id = `${d.metadata?.name} ${c.name}`;
        expect((c.env ?? []).map((e) => e.name).filter((n) => n.startsWith("DATABASE_")), id).toEqual([]);
        const refs = (c.env ?? []).flatMap((e) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef] : []));
        expect(refs.some((r) => r.name === "taskyard-db" || r.key === "DATABASE_URL" || r.key === "url"), id).toBe(false);
        // The chart's ConfigMap first; anything after it comes from extraEnvFrom values, never the database Secret.
        expect(c.envFrom?.[0], id).toEqual({ configMapRef: { name: cm.metadata!.name } });
        expect(c.envFrom?.some((e) => e.secretRef?.name === "taskyard-db"), id).toBe(false);
      }
    }
  });

  it("serve and the migration Job still get DATABASE_URL and DATABASE_POOL_SIZE", () => {
    const ms = rendered["ci/ha-values.yaml"]!;
    const serve = container(find<IDeployment>(ms, "Deployment", `${FULL}-serve`), "serve");
    const migrate = container(find<IJob>(ms, "Job", `${FULL}-migrate`), "migrate");
    for (const c of [serve, migrate]) {
      expect(env(c, "DATABASE_URL")?.valueFrom?.secretKeyRef).toEqual({ name: "taskyard-db", key: "url" });
      expect(env(c, "DATABASE_POOL_SIZE")?.value).toBe("20");
      expect(env(c, "TASKYARD_URL")).toBeUndefined();
      expect(env(c, "TASKYARD_TOKEN")).toBeUndefined();
    }
  });

  it("TASKYARD_URL defaults to this release's serve Service and follows service.port", async () => {
    const ms = rendered["required values only"]!;
    const svc = find<IService>(ms, "Service", FULL);
    const w = container(find<IDeployment>(ms, "Deployment", `${FULL}-worker-default`), "worker");
    expect(env(w, "TASKYARD_URL")).toEqual({ name: "TASKYARD_URL", value: `http://${svc.metadata!.name}:${svc.spec!.ports![0]!.port}` });
    expect(env(w, "TASKYARD_URL")?.value).toBe("http://ty-taskyard:8080");

    const moved = await render(helm, { values: withValues({ service: { port: 443 } }) });
    expect(env(container(find<IDeployment>(moved, "Deployment", `${FULL}-worker-default`), "worker"), "TASKYARD_URL")?.value).toBe("http://ty-taskyard:443");
  });

  it("worker.taskyardUrl overrides TASKYARD_URL; a workers-only release needs it and no database", () => {
    const ms = rendered["ci/workers-only-values.yaml"]!;
    const w = container(find<IDeployment>(ms, "Deployment", "taskyard-gpu-worker-gpu"), "worker");
    expect(env(w, "TASKYARD_URL")?.value).toBe("http://taskyard.taskyard.svc:8080");
    expect(ofKind(ms, "Secret")).toEqual([]);
  });

  it("TASKYARD_TOKEN comes from worker.credentials by secretKeyRef (key `token` by default), per group if it says so", async () => {
    const plain = container(find<IDeployment>(rendered["required values only"]!, "Deployment", `${FULL}-worker-default`), "worker");
    expect(env(plain, "TASKYARD_TOKEN")).toEqual({ name: "TASKYARD_TOKEN", valueFrom: { secretKeyRef: { name: "taskyard-worker", key: "token" } } });
    const ha = container(find<IDeployment>(rendered["ci/ha-values.yaml"]!, "Deployment", `${FULL}-worker-video`), "worker");
    expect(env(ha, "TASKYARD_TOKEN")?.valueFrom?.secretKeyRef).toEqual({ name: "taskyard-worker", key: "api-key" });

    const ms = await render(helm, {
      values: withValues({ worker: { groups: { other: { queues: ["other"], credentials: { existingSecret: "tenant-b-worker", key: "k" } } } } }),
    });
    expect(env(container(find<IDeployment>(ms, "Deployment", `${FULL}-worker-other`), "worker"), "TASKYARD_TOKEN")?.valueFrom?.secretKeyRef).toEqual({ name: "tenant-b-worker", key: "k" });
    expect(env(container(find<IDeployment>(ms, "Deployment", `${FULL}-worker-default`), "worker"), "TASKYARD_TOKEN")?.valueFrom?.secretKeyRef).toEqual({ name: "taskyard-worker", key: "token" });
    // The chart never makes up a token: no Secret of its own carries one.
    for (const s of ofKind<ISecret>(ms, "Secret")) expect(Object.keys(s.data ?? {})).not.toContain("token");
  });

  it("sends no token with authentication off, and needs no credentials Secret then", async () => {
    const ms = await render(helm, { values: { ...REQUIRED_VALUES, worker: {}, config: { auth: { mode: "off" } } } });
    const w = container(find<IDeployment>(ms, "Deployment", `${FULL}-worker-default`), "worker");
    expect(env(w, "TASKYARD_TOKEN")).toBeUndefined();
    expect(env(w, "TASKYARD_URL")?.value).toBe("http://ty-taskyard:8080");
  });

  it("keeps Temporal settings: the ConfigMap's TEMPORAL_*, the mTLS files and the API key Secret", () => {
    const cloud = container(find<IDeployment>(rendered["ci/external-secret-values.yaml"]!, "Deployment", `${FULL}-worker-default`), "worker");
    expect(env(cloud, "TEMPORAL_API_KEY")?.valueFrom?.secretKeyRef).toEqual({ name: "taskyard-credentials", key: "TEMPORAL_API_KEY" });
    const ha = find<IDeployment>(rendered["ci/ha-values.yaml"]!, "Deployment", `${FULL}-worker-default`);
    expect(container(ha, "worker").volumeMounts).toContainEqual({ name: "temporal-tls", mountPath: "/etc/taskyard/temporal-tls", readOnly: true });
  });

  it("a group runs its own image, command and args, with the chart's env injected", () => {
    const ms = rendered["ci/own-image-worker-values.yaml"]!;
    const d = find<IDeployment>(ms, "Deployment", `${FULL}-worker-python`);
    const py = container(d, "worker");
    expect(py.image).toBe("registry.example.com/acme/ml-worker:1.4.2");
    expect(py.imagePullPolicy).toBe("IfNotPresent");
    expect(py.command).toEqual(["python", "-m", "taskyard_worker"]);
    expect(py.args).toEqual(["--handlers", "mymod", "--concurrency", "4"]);
    expect(env(py, "TASKYARD_URL")?.value).toBe("http://ty-taskyard:8080");
    expect(env(py, "TASKYARD_TOKEN")?.valueFrom?.secretKeyRef).toEqual({ name: "taskyard-worker", key: "token" });
    expect(env(py, "TASKYARD_WORKER_QUEUES")?.value).toBe("ml");
    expect(py.envFrom).toEqual([{ configMapRef: { name: FULL } }]); // TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS
    expect(find<IConfigMap>(ms, "ConfigMap", FULL).data).toMatchObject({ TEMPORAL_ADDRESS: "temporal-frontend.temporal:7233", TEMPORAL_NAMESPACE: "taskyard" });
    // metrics.enabled: false for this group only: no port, probes or metrics variable.
    expect(py.ports).toBeUndefined();
    expect(py.readinessProbe).toBeUndefined();
    expect(py.livenessProbe).toBeUndefined();
    expect(env(py, "TASKYARD_WORKER_METRICS_PORT")).toBeUndefined();
    expect(d.spec?.replicas).toBe(2);

    const ts = container(find<IDeployment>(ms, "Deployment", `${FULL}-worker-default`), "worker");
    expect(ts.image).toBe(`taskyard:${chart.appVersion}`);
    expect(ts.command).toBeUndefined();
    expect(ts.args).toEqual(["worker"]);
    expect(ts.readinessProbe?.httpGet).toEqual({ path: "/healthz", port: "metrics" });
    expect(find<IService>(ms, "Service", `${FULL}-worker-metrics`)).toBeDefined();
  });

  it("a group's handlers become TASKYARD_WORKER_HANDLERS, next to its mounted modules", async () => {
    const ts = container(find<IDeployment>(rendered["ci/own-image-worker-values.yaml"]!, "Deployment", `${FULL}-worker-default`), "worker");
    expect(env(ts, "TASKYARD_WORKER_HANDLERS")?.value).toBe("/handlers/reports.js");
    expect(ts.volumeMounts).toContainEqual({ name: "handlers", mountPath: "/handlers", readOnly: true });
    const several = await render(helm, { values: withValues({ worker: { groups: { default: { handlers: ["./dist/a.js", "@acme/handlers"] } } } }) });
    expect(env(container(find<IDeployment>(several, "Deployment", `${FULL}-worker-default`), "worker"), "TASKYARD_WORKER_HANDLERS")?.value).toBe("./dist/a.js,@acme/handlers");
    // Unset: the built-in demo handlers, so no variable.
    expect(env(container(find<IDeployment>(rendered["required values only"]!, "Deployment", `${FULL}-worker-default`), "worker"), "TASKYARD_WORKER_HANDLERS")).toBeUndefined();
  });

  it("a group's tag, digest or pull policy alone override image.* for that group only", async () => {
    const digest = `sha256:${"cd".repeat(32)}`;
    const ms = await render(helm, {
      values: withValues({
        image: { repository: "registry.example.com/taskyard", tag: "1.0.0" },
        worker: { groups: { default: { image: { tag: "1.1.0-rc1", pullPolicy: "Always" } }, pinned: { queues: ["p"], image: { digest } } } },
      }),
    });
    const def = container(find<IDeployment>(ms, "Deployment", `${FULL}-worker-default`), "worker");
    expect(def.image).toBe("registry.example.com/taskyard:1.1.0-rc1");
    expect(def.imagePullPolicy).toBe("Always");
    expect(container(find<IDeployment>(ms, "Deployment", `${FULL}-worker-pinned`), "worker").image).toBe(`registry.example.com/taskyard@${digest}`);
    expect(container(find<IDeployment>(ms, "Deployment", `${FULL}-serve`), "serve").image).toBe("registry.example.com/taskyard:1.0.0");
  });

  it("a group with a command and no args gets no args; explicit args replace [\"worker\"]", async () => {
    const ms = await render(helm, {
      values: withValues({ worker: { groups: { default: { command: ["/app/run-worker"] }, ts: { queues: ["ts"], args: ["worker", "--handlers", "./dist/handlers.js"] } } } }),
    });
    const def = container(find<IDeployment>(ms, "Deployment", `${FULL}-worker-default`), "worker");
    expect(def.command).toEqual(["/app/run-worker"]);
    expect(def.args).toBeUndefined();
    expect(container(find<IDeployment>(ms, "Deployment", `${FULL}-worker-ts`), "worker").args).toEqual(["worker", "--handlers", "./dist/handlers.js"]);
  });

  it("drops the worker metrics Service when no enabled group serves /metrics", async () => {
    const ms = await render(helm, { values: withValues({ worker: { groups: { default: { metrics: { enabled: false } } } } }) });
    expect(ms.map((m) => m.metadata.name)).not.toContain(`${FULL}-worker-metrics`);
    const on = await render(helm, { values: withValues({ worker: { metrics: { enabled: false }, groups: { default: { metrics: { enabled: true } } } } }) });
    expect(env(container(find<IDeployment>(on, "Deployment", `${FULL}-worker-default`), "worker"), "TASKYARD_WORKER_METRICS_PORT")?.value).toBe("9464");
    expect(on.map((m) => m.metadata.name)).toContain(`${FULL}-worker-metrics`);
  });

  it("does not roll worker pods when the database URL changes (they do not read it)", async () => {
    const base = rendered["ci/ingress-values.yaml"]!;
    const changed = await render(helm, { files: ["ci/ingress-values.yaml"], values: { database: { url: "mysql://taskyard:rotated@mysql.staging.svc:3306/taskyard" } } });
    const ann = (ms: Manifest[], name: string) => find<IDeployment>(ms, "Deployment", name).spec?.template.metadata?.annotations;
    expect(ann(changed, `${FULL}-worker-default`)).toEqual(ann(base, `${FULL}-worker-default`));
    expect(ann(changed, `${FULL}-serve`)?.["checksum/secret"]).not.toBe(ann(base, `${FULL}-serve`)?.["checksum/secret"]);
  });
});

describe("serve hosts the workflows", () => {
  it("sets TASKYARD_WORKFLOW_TASK_QUEUE and TASKYARD_WORKER_TTL_MS in the ConfigMap, defaults and overrides", async () => {
    expect(find<IConfigMap>(rendered["required values only"]!, "ConfigMap", FULL).data).toMatchObject({
      TASKYARD_WORKFLOW_TASK_QUEUE: "taskyard.workflows",
      TASKYARD_WORKER_TTL_MS: "30000",
    });
    const ms = await render(helm, { values: withValues({ config: { workflowTaskQueue: "acme.taskyard.workflows", workerTtlMs: 60000 } }) });
    expect(find<IConfigMap>(ms, "ConfigMap", FULL).data).toMatchObject({
      TASKYARD_WORKFLOW_TASK_QUEUE: "acme.taskyard.workflows",
      TASKYARD_WORKER_TTL_MS: "60000",
    });
  });
});

describe("scaling and exposure", () => {
  it("autoscales serve and a worker group with HPAs aimed at their Deployments, leaving replicas unset", () => {
    const ms = rendered["ci/ha-values.yaml"]!;
    const hpas = ofKind<IHorizontalPodAutoscaler>(ms, "HorizontalPodAutoscaler");
    expect(hpas.map((h) => h.spec?.scaleTargetRef.name).sort()).toEqual([`${FULL}-serve`, `${FULL}-worker-default`]);
    const serveHpa = find<IHorizontalPodAutoscaler>(ms, "HorizontalPodAutoscaler", `${FULL}-serve`);
    expect(serveHpa.spec).toMatchObject({ minReplicas: 3, maxReplicas: 12, behavior: { scaleDown: { stabilizationWindowSeconds: 300 } } });
    expect(serveHpa.spec?.metrics).toEqual([{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 65 } } }]);
    expect(find<IDeployment>(ms, "Deployment", `${FULL}-serve`).spec?.replicas).toBeUndefined();
    expect(find<IDeployment>(ms, "Deployment", `${FULL}-worker-default`).spec?.replicas).toBeUndefined();
    expect(find<IDeployment>(ms, "Deployment", `${FULL}-worker-video`).spec?.replicas).toBe(2);
  });

  it("guards serve and each worker group with PodDisruptionBudgets that select only their pods", () => {
    const ms = rendered["ci/ha-values.yaml"]!;
    const serve = find<IPodDisruptionBudget>(ms, "PodDisruptionBudget", `${FULL}-serve`);
    expect(serve.spec?.minAvailable).toBe(2);
    expect(serve.spec?.selector?.matchLabels).toEqual(find<IDeployment>(ms, "Deployment", `${FULL}-serve`).spec?.selector.matchLabels);
    const video = find<IPodDisruptionBudget>(ms, "PodDisruptionBudget", `${FULL}-worker-video`);
    expect(video.spec).toMatchObject({ minAvailable: 1 });
    expect(video.spec?.selector?.matchLabels).toEqual(find<IDeployment>(ms, "Deployment", `${FULL}-worker-video`).spec?.selector.matchLabels);
    expect(find<IPodDisruptionBudget>(ms, "PodDisruptionBudget", `${FULL}-worker-default`).spec).toMatchObject({ maxUnavailable: 1 });
  });

  it("fills the role's selector into topologySpreadConstraints", () => {
    const d = find<IDeployment>(rendered["ci/ha-values.yaml"]!, "Deployment", `${FULL}-serve`);
    const tsc = d.spec?.template.spec?.topologySpreadConstraints ?? [];
    expect(tsc).toHaveLength(2);
    for (const c of tsc) expect(c.labelSelector?.matchLabels).toEqual(d.spec?.selector.matchLabels);
  });

  it("routes the Ingress to the grpc port with the nginx GRPC backend protocol and TLS", () => {
    const ing = find<IIngress>(rendered["ci/ingress-values.yaml"]!, "Ingress", FULL);
    expect(ing.metadata?.annotations?.["nginx.ingress.kubernetes.io/backend-protocol"]).toBe("GRPC");
    expect(ing.spec?.ingressClassName).toBe("nginx");
    expect(ing.spec?.tls).toEqual([{ secretName: "taskyard-staging-tls", hosts: ["taskyard.staging.example.com"] }]);
    expect(ing.spec?.rules?.[0]?.http?.paths[0]?.backend.service).toEqual({ name: FULL, port: { name: "grpc" } });
  });

  it("scrapes /metrics of serve (grpc port) and workers (metrics port) with ServiceMonitors", () => {
    const ms = rendered["ci/ha-values.yaml"]!;
    const serve = find<IServiceMonitor>(ms, "ServiceMonitor", `${FULL}-serve`);
    expect(serve.metadata?.labels).toMatchObject({ release: "kube-prometheus-stack" });
    expect(serve.spec.endpoints?.[0]).toMatchObject({ port: "grpc", path: "/metrics", interval: "15s" });
    expect(serve.spec.selector.matchLabels).toEqual(find<IService>(ms, "Service", FULL).spec?.selector);
    expect(serve.spec.namespaceSelector?.matchNames).toEqual([NAMESPACE]);
    const worker = find<IServiceMonitor>(ms, "ServiceMonitor", `${FULL}-worker`);
    expect(worker.spec.endpoints?.[0]).toMatchObject({ port: "metrics", path: "/metrics" });
    expect(worker.spec.selector.matchLabels).toEqual(find<IService>(ms, "Service", `${FULL}-worker-metrics`).spec?.selector);
    expect(ofKind(rendered["required values only"]!, "ServiceMonitor")).toEqual([]);
  });
});

describe("invalid values stop rendering with a message naming the value", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["no database at all", { temporal: REQUIRED_VALUES.temporal }, "database.url or database.existingSecret must be set"],
    ["two database sources", withValues({ database: { url: "mysql://u:p@db:3306/t" } }), "database.url must be empty when database.existingSecret is set"],
    ["a non-MySQL URL", { temporal: REQUIRED_VALUES.temporal, database: { url: "postgres://u:p@db/t" } }, "database.url must start with mysql://"],
    ["no Temporal address", { database: REQUIRED_VALUES.database }, "temporal.address must be set"],
    ["a Temporal address with a scheme", withValues({ temporal: { address: "http://temporal:7233" } }), "temporal.address must be host:port without a scheme"],
    ["mTLS files without TLS", withValues({ temporal: { tls: { existingSecret: "client-tls" } } }), "temporal.tls.enabled must be true when temporal.tls.existingSecret is set"],
    ["a CORS origin with a path", withValues({ config: { corsOrigins: ["https://app.example.com/ui"] } }), "config.corsOrigins must list origins"],
    ["a grace period shorter than the drain", withValues({ config: { shutdownGraceMs: 30000 } }), "serve.terminationGracePeriodSeconds must exceed"],
    ["a worker group without queues", withValues({ worker: { groups: { default: { queues: [] } } } }), "worker.groups.default.queues must list at least one Taskyard queue"],
    ["a worker group name that is no DNS label", withValues({ worker: { groups: { GPU_nodes: { queues: ["video"] } } } }), "worker.groups.GPU_nodes must be named with lowercase letters"],
    ["a queue list with a comma inside a name", withValues({ worker: { groups: { default: { queues: ["a,b"] } } } }), "worker.groups.default.queues must hold queue names without commas"],
    ["nothing to deploy", withValues({ serve: { enabled: false }, worker: { groups: { default: { enabled: false } } } }), "serve.enabled must be true or worker.groups must enable at least one group"],
    ["an Ingress without serve", withValues({ serve: { enabled: false }, ingress: { enabled: true } }), "ingress.enabled must be false when serve.enabled is false"],
    ["an HPA with min above max", withValues({ serve: { autoscaling: { enabled: true, minReplicas: 5, maxReplicas: 3 } } }), "serve.autoscaling.minReplicas must not exceed serve.autoscaling.maxReplicas"],
    ["a PDB that blocks drains", withValues({ serve: { replicaCount: 1, podDisruptionBudget: { enabled: true } } }), "serve.podDisruptionBudget.minAvailable must be lower than serve.replicaCount"],
    ["a PDB with both bounds", withValues({ serve: { podDisruptionBudget: { enabled: true, maxUnavailable: 1 } } }), "serve.podDisruptionBudget must set exactly one of minAvailable and maxUnavailable"],
    // values.schema.json: types and enums
    ["an unknown log level", withValues({ config: { logLevel: "loud" } }), "at '/config/logLevel': value must be one of"],
    ["a misspelt key", withValues({ serve: { replicas: 3 } }), "additional properties 'replicas' not allowed"],
    ["a pool size out of range", withValues({ database: { poolSize: 0 } }), "/database/poolSize"],
    // workers
    [
      "workers without serve and without worker.taskyardUrl",
      withValues({ serve: { enabled: false }, migrations: { enabled: false } }),
      "worker.taskyardUrl must be set when serve.enabled is false",
    ],
    ["a worker.taskyardUrl that is no http(s) URL", withValues({ worker: { taskyardUrl: "taskyard:8080" } }), "worker.taskyardUrl must be an http:// or https:// URL"],
    [
      "workers without a credentials Secret",
      { ...REQUIRED_VALUES, worker: {} },
      "worker.credentials.existingSecret (or worker.groups.default.credentials.existingSecret) must name the Secret holding the workers' token",
    ],
    [
      "a group image repository without tag or digest",
      withValues({ worker: { groups: { py: { queues: ["ml"], image: { repository: "registry.example.com/ml-worker" } } } } }),
      "worker.groups.py.image.tag or worker.groups.py.image.digest must be set",
    ],
    ["a handler list entry with a comma", withValues({ worker: { groups: { default: { handlers: ["a.js,b.js"] } } } }), "/worker/groups/default/handlers/0"],
    ["a TTL below the server's minimum", withValues({ config: { workerTtlMs: 1000 } }), "/config/workerTtlMs"],
    ["a misspelt worker key", withValues({ worker: { taskyardURL: "http://x:8080" } }), "additional properties 'taskyardURL' not allowed"],
  ];

  it.each(cases)("%s", async (_name, values, message) => {
    expect(await renderError(values)).toContain(message);
  });
});
