// Options of the chart's pods: extraEnvFrom, init containers and sidecars, per-role security
// contexts, and the per-tenant limits (config.limits).
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { IIoK8sApiCoreV1Container as IContainer } from "kubernetes-models/v1/Container";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureHelm } from "../../scripts/lib/helm.mjs";
import { find, helmTemplate, RELEASE, render, withRequired, type Manifest } from "./render.js";

const FULL = `${RELEASE}-taskyard`;

let helm: string;
let platform: Manifest[];

beforeAll(async () => {
  helm = ensureHelm({ quiet: true });
  platform = await render(helm, { files: ["ci/platform-values.yaml"] });
}, 900_000);

function container(d: { spec?: { template: { spec?: { containers: IContainer[] } } } }, name: string): IContainer {
  const c = d.spec?.template.spec?.containers.find((x) => x.name === name);
  if (!c) throw new Error(`no container ${name}`);
  return c;
}

async function renderError(values: Record<string, unknown>): Promise<string> {
  const r = await helmTemplate(helm, { values });
  if (r.ok) throw new Error(`expected helm template to fail, it rendered ${r.manifests.length} manifests`);
  return r.error;
}

describe("extraEnvFrom, init containers, sidecars and per-role security contexts", () => {
  it("adds envFrom after the chart's ConfigMap: the global list, then the role's (a group's after worker's)", async () => {
    const ms = await render(helm, {
      values: withRequired({
        extraEnvFrom: [{ secretRef: { name: "all" } }],
        serve: { extraEnvFrom: [{ configMapRef: { name: "serve-only" } }] },
        worker: { extraEnvFrom: [{ secretRef: { name: "workers" } }], groups: { default: { extraEnvFrom: [{ secretRef: { name: "default-group" } }] } } },
        migrations: { extraEnvFrom: [{ secretRef: { name: "migrate-only" } }] },
      }),
    });
    const names = (c: IContainer) => c.envFrom?.map((e) => e.configMapRef?.name ?? e.secretRef?.name);
    expect(names(container(find<IDeployment>(ms, "Deployment", `${FULL}-serve`), "serve"))).toEqual([FULL, "all", "serve-only"]);
    expect(names(container(find<IDeployment>(ms, "Deployment", `${FULL}-worker-default`), "worker"))).toEqual([FULL, "all", "workers", "default-group"]);
    expect(names(container(find<IJob>(ms, "Job", `${FULL}-migrate`), "migrate"))).toEqual([`${FULL}-migrate`, "all", "migrate-only"]);
  });

  it("gives init containers and sidecars the role's securityContext unless they bring their own", () => {
    const d = find<IDeployment>(platform, "Deployment", `${FULL}-serve`);
    const pod = d.spec!.template.spec!;
    expect(pod.initContainers?.map((c) => c.name)).toEqual(["wait-for-config"]);
    expect(pod.containers.map((c) => c.name)).toEqual(["serve", "log-shipper"]);
    for (const c of [...pod.initContainers!, pod.containers[1]!]) expect(c.securityContext).toEqual(pod.containers[0]!.securityContext);
  });

  it("keeps a container's own securityContext and supports native sidecars in the migration Job", async () => {
    const proxy = { name: "db-proxy", image: "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2", restartPolicy: "Always", securityContext: { runAsNonRoot: true, runAsUser: 65532 } };
    const ms = await render(helm, { values: withRequired({ migrations: { initContainers: [proxy] } }) });
    expect(find<IJob>(ms, "Job", `${FULL}-migrate`).spec?.template.spec?.initContainers).toEqual([proxy]);
  });

  it("merges a role's securityContexts over the chart-wide ones, a group's over worker's", () => {
    const py = find<IDeployment>(platform, "Deployment", `${FULL}-worker-python`).spec!.template.spec!;
    expect(py.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 10002, runAsGroup: 10002, fsGroup: 10002, seccompProfile: { type: "RuntimeDefault" } });
    expect(py.containers[0]!.securityContext).toMatchObject({ runAsUser: 10002, runAsGroup: 10002, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    const def = find<IDeployment>(platform, "Deployment", `${FULL}-worker-default`).spec!.template.spec!;
    expect(def.securityContext?.runAsUser).toBe(10001);
  });
});

describe("limits", () => {
  it("renders the create rate, burst and stream limits into the ConfigMap", () => {
    expect(find<IConfigMap>(platform, "ConfigMap", FULL).data).toMatchObject({
      TASKYARD_CREATE_RATE_PER_SECOND: "50",
      TASKYARD_CREATE_BURST: "200",
      TASKYARD_MAX_STREAMS_PER_CALLER: "8",
    });
  });

  it("accepts a fractional rate and 0 for unlimited, and refuses negative values", async () => {
    const ms = await render(helm, { values: withRequired({ config: { limits: { createRatePerSecond: 0.5, maxStreamsPerCaller: 0 } } }) });
    expect(find<IConfigMap>(ms, "ConfigMap", FULL).data).toMatchObject({ TASKYARD_CREATE_RATE_PER_SECOND: "0.5", TASKYARD_MAX_STREAMS_PER_CALLER: "0" });
    expect(await renderError(withRequired({ config: { limits: { createBurst: -1 } } }))).toContain("/config/limits/createBurst");
  });
});
