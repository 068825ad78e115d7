// Runs `helm template` / `helm lint` on helm/taskyard and parses what it prints.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parseAllDocuments, stringify } from "yaml";

const run = promisify(execFile);

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const chartDir = path.join(repoRoot, "helm", "taskyard");
export const RELEASE = "ty";
export const NAMESPACE = "jobs";
/** Passed explicitly: a helm built without release flags defaults to 1.20, below the chart's kubeVersion. */
export const KUBE_VERSION = "1.31.0";

/**
 * The values the chart cannot default (database, Temporal, and the workers' credential Secret
 * while a worker group is enabled with auth on); everything else is the chart's.
 */
export const REQUIRED_VALUES = {
  database: { existingSecret: "taskyard-db" },
  temporal: { address: "temporal-frontend.temporal:7233" },
  worker: { credentials: { existingSecret: "taskyard-worker" } },
};

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export interface RenderInput {
  /** Values files relative to the chart directory, e.g. "ci/ha-values.yaml". */
  files?: string[];
  /** Values applied last (written to a temporary values file, so URLs, commas and `off` survive). */
  values?: Record<string, unknown>;
}

export type RenderResult = { ok: true; manifests: Manifest[] } | { ok: false; error: string };

function valuesArgs(input: RenderInput, dir: string): string[] {
  const args: string[] = [];
  for (const f of input.files ?? []) args.push("-f", path.join(chartDir, f));
  if (input.values) {
    const file = path.join(dir, "values.yaml");
    // Strings quoted: helm reads YAML 1.1, where a plain `off` or `yes` would be a boolean.
    writeFileSync(file, stringify(input.values, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" }));
    args.push("-f", file);
  }
  return args;
}

async function helm(helmBin: string, args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(helmBin, args, { maxBuffer: 32 * 1024 * 1024, timeout: 60_000 });
    return { ok: true, stdout, stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return { ok: false, stdout: e.stdout ?? "", stderr: e.stderr || e.message };
  }
}

export async function helmTemplate(helmBin: string, input: RenderInput = {}): Promise<RenderResult> {
  const dir = mkdtempSync(path.join(tmpdir(), "taskyard-helm-"));
  try {
    const args = ["template", RELEASE, chartDir, "--namespace", NAMESPACE, "--kube-version", KUBE_VERSION, ...valuesArgs(input, dir)];
    const r = await helm(helmBin, args);
    if (!r.ok) return { ok: false, error: r.stderr };
    const manifests = parseAllDocuments(r.stdout)
      .map((doc) => {
        if (doc.errors.length > 0) throw new Error(`helm template printed invalid YAML: ${doc.errors[0]?.message}`);
        return doc.toJS() as Manifest | null;
      })
      .filter((m): m is Manifest => m !== null);
    return { ok: true, manifests };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Renders and throws with helm's message when rendering fails. */
export async function render(helmBin: string, input: RenderInput = {}): Promise<Manifest[]> {
  const r = await helmTemplate(helmBin, input);
  if (!r.ok) throw new Error(`helm template failed:\n${r.error}`);
  return r.manifests;
}

export async function helmLint(helmBin: string, input: RenderInput = {}): Promise<{ ok: boolean; output: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), "taskyard-helm-"));
  try {
    const r = await helm(helmBin, ["lint", "--strict", chartDir, "--namespace", NAMESPACE, "--kube-version", KUBE_VERSION, ...valuesArgs(input, dir)]);
    return { ok: r.ok, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function find<T = Manifest>(manifests: Manifest[], kind: string, name: string): T {
  const m = manifests.find((x) => x.kind === kind && x.metadata.name === name);
  if (!m) {
    const have = manifests.map((x) => `${x.kind}/${x.metadata.name}`).join(", ");
    throw new Error(`no ${kind}/${name} rendered (have: ${have})`);
  }
  return m as unknown as T;
}

export function ofKind<T = Manifest>(manifests: Manifest[], kind: string): T[] {
  return manifests.filter((x) => x.kind === kind) as unknown as T[];
}

/** REQUIRED_VALUES deep-merged with overrides (objects merge, anything else replaces). */
export function withRequired(overrides: Record<string, unknown>): Record<string, unknown> {
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
