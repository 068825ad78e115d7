/** Temporal connections (client and worker) from the one config, TLS / API key included. */
import { readFile } from "node:fs/promises";
import { Client, Connection } from "@temporalio/client";
import { NativeConnection } from "@temporalio/worker";
import type { Logger } from "pino";
import type { Config } from "../../config.js";
import { installTemporalRuntime } from "./worker.js";
import { tracingClientInterceptors } from "./tracing.js";

type TemporalConfig = Config["temporal"];

async function tlsOptions(cfg: TemporalConfig) {
  if (!cfg.tls) return undefined;
  const [crt, key, ca] = await Promise.all([
    cfg.clientCertPath ? readFile(cfg.clientCertPath) : undefined,
    cfg.clientKeyPath ? readFile(cfg.clientKeyPath) : undefined,
    cfg.serverCaCertPath ? readFile(cfg.serverCaCertPath) : undefined,
  ]);
  return {
    ...(cfg.serverName ? { serverNameOverride: cfg.serverName } : {}),
    ...(ca ? { serverRootCACertificate: ca } : {}),
    ...(crt && key ? { clientCertPair: { crt, key } } : {}),
  };
}

function requireAddress(cfg: TemporalConfig): string {
  if (!cfg.address) throw new Error("TEMPORAL_ADDRESS is not set");
  return cfg.address;
}

export async function connectClient(cfg: TemporalConfig): Promise<Client> {
  const connection = await Connection.connect({
    address: requireAddress(cfg),
    tls: await tlsOptions(cfg),
    ...(cfg.apiKey ? { apiKey: cfg.apiKey } : {}),
    connectTimeout: "10 seconds",
  });
  return new Client({ connection, namespace: cfg.namespace, interceptors: tracingClientInterceptors() });
}

export async function connectWorker(cfg: TemporalConfig, logger: Logger): Promise<NativeConnection> {
  installTemporalRuntime(logger); // must precede the first native connection
  return NativeConnection.connect({
    address: requireAddress(cfg),
    tls: await tlsOptions(cfg),
    ...(cfg.apiKey ? { apiKey: cfg.apiKey } : {}),
  });
}

/** Link to a workflow execution in the Temporal Web UI, or "" when no UI URL is configured. */
export function temporalUiUrl(cfg: TemporalConfig, workflowId: string | null, runId: string | null): string {
  if (!cfg.uiUrl || !workflowId) return "";
  const base = cfg.uiUrl.replace(/\/+$/, "");
  const run = runId ? `/${encodeURIComponent(runId)}` : "";
  return `${base}/namespaces/${encodeURIComponent(cfg.namespace)}/workflows/${encodeURIComponent(workflowId)}${run}`;
}
