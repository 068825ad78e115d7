/**
 * Offline validation of rendered manifests against the Kubernetes API, from npm packages only:
 *
 * 1. Schema: `kubernetes-models` ships ajv validators compiled from the Kubernetes OpenAPI
 *    schemas (types, required fields, enums, int32/int-or-string formats), and
 *    `@kubernetes-models/prometheus-operator` the same for ServiceMonitor.
 * 2. Unknown fields: the OpenAPI schemas allow extra properties (the API server drops them
 *    silently), so a misspelt `readinesProbe` would pass step 1. The same packages' TypeScript
 *    interfaces are exact, so every manifest is also type-checked as an object literal, whose
 *    excess-property check rejects unknown fields the way `kubectl apply --validate=strict` does.
 */
import path from "node:path";
import ts from "typescript";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Job } from "kubernetes-models/batch/v1/Job";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Pod } from "kubernetes-models/v1/Pod";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";
import { repoRoot, type Manifest } from "./render.js";

interface Validatable {
  validate(): void;
}

interface KindEntry {
  create: (data: Manifest) => Validatable;
  /** Module and interface name of the exact TypeScript type. */
  module: string;
  type: string;
}

// Every kind the chart renders. A new kind fails validation until it is added here.
const KINDS: Record<string, KindEntry> = {
  "v1/ConfigMap": { create: (d) => new ConfigMap(d as never), module: "kubernetes-models/v1/ConfigMap", type: "IConfigMap" },
  "v1/Secret": { create: (d) => new Secret(d as never), module: "kubernetes-models/v1/Secret", type: "ISecret" },
  "v1/Service": { create: (d) => new Service(d as never), module: "kubernetes-models/v1/Service", type: "IService" },
  "v1/ServiceAccount": { create: (d) => new ServiceAccount(d as never), module: "kubernetes-models/v1/ServiceAccount", type: "IServiceAccount" },
  "apps/v1/Deployment": { create: (d) => new Deployment(d as never), module: "kubernetes-models/apps/v1/Deployment", type: "IDeployment" },
  "batch/v1/Job": { create: (d) => new Job(d as never), module: "kubernetes-models/batch/v1/Job", type: "IJob" },
  "autoscaling/v2/HorizontalPodAutoscaler": {
    create: (d) => new HorizontalPodAutoscaler(d as never),
    module: "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler",
    type: "IHorizontalPodAutoscaler",
  },
  "policy/v1/PodDisruptionBudget": {
    create: (d) => new PodDisruptionBudget(d as never),
    module: "kubernetes-models/policy/v1/PodDisruptionBudget",
    type: "IPodDisruptionBudget",
  },
  "networking.k8s.io/v1/Ingress": { create: (d) => new Ingress(d as never), module: "kubernetes-models/networking.k8s.io/v1/Ingress", type: "IIngress" },
  "networking.k8s.io/v1/NetworkPolicy": {
    create: (d) => new NetworkPolicy(d as never),
    module: "kubernetes-models/networking.k8s.io/v1/NetworkPolicy",
    type: "INetworkPolicy",
  },
  "v1/Pod": { create: (d) => new Pod(d as never), module: "kubernetes-models/v1/Pod", type: "IPod" },
  "monitoring.coreos.com/v1/PrometheusRule": {
    create: (d) => new PrometheusRule(d as never),
    module: "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule",
    type: "IPrometheusRule",
  },
  "monitoring.coreos.com/v1/ServiceMonitor": {
    create: (d) => new ServiceMonitor(d as never),
    module: "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor",
    type: "IServiceMonitor",
  },
};

/**
 * Kinds no npm package models (KEDA's ScaledObject): the kubernetes tier validates them strictly
 * against the vendored CRD in a real API server (test/kubernetes/crds), so they are skipped here.
 */
const SERVER_VALIDATED = new Set(["keda.sh/v1alpha1/ScaledObject"]);

export function manifestId(m: Manifest): string {
  return `${m.kind}/${m.metadata?.name ?? "?"}`;
}

/** Schema violations of one manifest as "Kind/name: message"; [] when it is valid. */
export function schemaErrors(m: Manifest): string[] {
  if (SERVER_VALIDATED.has(`${m.apiVersion}/${m.kind}`)) return [];
  const entry = KINDS[`${m.apiVersion}/${m.kind}`];
  if (!entry) return [`${manifestId(m)}: no schema for ${m.apiVersion} ${m.kind} (add it to test/helm/k8s-schema.ts)`];
  try {
    entry.create(m).validate();
    return [];
  } catch (err) {
    return [`${manifestId(m)}: ${err instanceof Error ? err.message : String(err)}`];
  }
}

const COMPILER_OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ["lib.es2022.d.ts"],
  types: [],
};

/**
 * Type-checks every manifest against its exact TypeScript interface in ONE compiler run
 * (about 1.5 s) and returns the problems as "Kind/name: message"; [] when all are exact.
 */
export function strictTypeErrors(manifests: Manifest[]): string[] {
  // Never written to disk: the compiler host serves it from memory. It sits in the repository
  // so that module resolution finds node_modules.
  const file = path.join(repoRoot, "test", "helm", "__rendered-manifests__.ts");
  const starts: { offset: number; id: string }[] = [];
  const problems: string[] = [];
  let source = "";
  manifests.forEach((m, i) => {
    if (SERVER_VALIDATED.has(`${m.apiVersion}/${m.kind}`)) return;
    const entry = KINDS[`${m.apiVersion}/${m.kind}`];
    if (!entry) {
      problems.push(`${manifestId(m)}: no TypeScript type for ${m.apiVersion} ${m.kind}`);
      return;
    }
    source += `import type { ${entry.type} as T${i} } from ${JSON.stringify(entry.module)};\n`;
    starts.push({ offset: source.length, id: manifestId(m) });
    source += `export const m${i}: T${i} = ${JSON.stringify(m, null, 1)};\n`;
  });

  const host = ts.createCompilerHost(COMPILER_OPTIONS);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (name, languageVersion, ...rest) =>
    path.resolve(name) === file ? ts.createSourceFile(name, source, languageVersion, true) : getSourceFile(name, languageVersion, ...rest);
  host.fileExists = (name) => path.resolve(name) === file || fileExists(name);

  const program = ts.createProgram([file], COMPILER_OPTIONS, host);
  const sourceFile = program.getSourceFile(file);
  if (!sourceFile) throw new Error("TypeScript did not load the generated manifests file");
  const diagnostics = [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)];
  for (const d of diagnostics) {
    const at = d.start ?? 0;
    const owner = [...starts].reverse().find((s) => s.offset <= at);
    const text = ts.flattenDiagnosticMessageText(d.messageText, " ");
    const snippet = source.slice(at, at + 60).split("\n")[0];
    problems.push(`${owner?.id ?? "?"}: ${text} (at ${snippet})`);
  }
  return problems;
}
