// Types for scripts/lib/kubernetes.mjs (plain Node ESM, imported by the kubernetes test tier).
export declare const KUBERNETES_VERSION: string;
export declare const KWOK_VERSION: string;
export declare const KWOK_MODULE: string;
export declare const KUBE_BINARIES: readonly string[];

export interface KubernetesTools {
  etcd?: string;
  apiserver?: string;
  controllerManager?: string;
  scheduler?: string;
  kwok?: string;
  /** What is missing, e.g. "kube-apiserver v1.37.2"; [] when everything is there. */
  missing: string[];
}

/** Where etcd, the control-plane binaries and kwok are (ETCD_BIN, KUBE_BIN_DIR, KWOK_BIN, .tools/bin); never installs. */
export declare function findKubernetesTools(opts?: { root?: string; env?: Record<string, string | undefined> }): KubernetesTools;

/** Bootstrap step: installs etcd-server and builds what is missing into .tools/bin. */
export declare function ensureKubernetes(ctx: { root: string; env: Record<string, string | undefined>; dryRun?: boolean; mode?: string }): Promise<void>;
