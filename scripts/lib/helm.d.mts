// Types for scripts/lib/helm.mjs (plain Node ESM, imported by the TypeScript chart tests).
export declare const HELM_VERSION: string;
export declare const HELM_MODULE: string;

/** Thrown when helm cannot be found or installed; the message says what to install. */
export declare class HelmNotFoundError extends Error {}

export interface EnsureHelmOptions {
  /** Repository root (default: two levels above scripts/lib). */
  root?: string;
  /** Environment to read HELM_BIN and PATH from (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Only say what would be installed; returns the intended path. */
  dryRun?: boolean;
  /** Print nothing unless installing. */
  quiet?: boolean;
  /** Accepted for scripts/bootstrap.mjs ("dev" | "test"); unused. */
  mode?: string;
}

/** Path of a usable helm: HELM_BIN, else .tools/bin/helm, else PATH, else `go install` into .tools/bin. */
export declare function ensureHelm(opts?: EnsureHelmOptions): string;
