/**
 * `taskyard/client` for Node: `createTaskyardClient({ baseUrl, token })` speaks gRPC over HTTP/2
 * (h2c for http://, TLS for https://) or, with `protocol: "connect"`, Connect binary over
 * HTTP/1.1 (through proxies that do not pass HTTP/2). Browsers use `taskyard/client/web`.
 */
import type { Interceptor } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { bearerToken, type TokenSource } from "./auth.js";
import { createTaskyardClientFromTransport, type TaskyardClient } from "./core.js";

export interface TlsOptions {
  /** PEM of the CA(s) that signed the server's certificate (instead of the system's). */
  ca?: string | Buffer;
  /** PEM client certificate and key, for mutual TLS. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Name checked against the certificate when it differs from the URL's host (SNI). */
  serverName?: string;
  /** Accept any certificate. For tests against self-signed servers only. */
  insecureSkipVerify?: boolean;
}

export interface TaskyardClientOptions {
  /** e.g. `http://localhost:8080` (`npm run dev`) or `https://taskyard.example.com`. */
  baseUrl: string;
  /** API key or JWT, sent as `Authorization: Bearer …`; not needed with authentication off. */
  token?: TokenSource;
  /** `grpc` (default): HTTP/2. `connect`: Connect binary over HTTP/1.1. */
  protocol?: "grpc" | "connect";
  /** TLS settings for an https:// `baseUrl`. */
  tls?: TlsOptions;
  /** Default deadline of each call; streams and waits are not limited by it when unset. */
  timeoutMs?: number;
  /** Extra interceptors, run after the credential is set. */
  interceptors?: Interceptor[];
}

export interface NodeTaskyardClient extends TaskyardClient {
  /** Closes the HTTP/2 connection (open calls fail). The client is unusable afterwards. */
  close(): void;
}

export function createTaskyardClient(options: TaskyardClientOptions): NodeTaskyardClient {
  const interceptors = [...(options.token ? [bearerToken(options.token)] : []), ...(options.interceptors ?? [])];
  const nodeOptions = tlsNodeOptions(options.tls);
  if (options.protocol === "connect") {
    const transport = createConnectTransport({ baseUrl: options.baseUrl, httpVersion: "1.1", useBinaryFormat: true, interceptors, nodeOptions, defaultTimeoutMs: options.timeoutMs });
    return { ...createTaskyardClientFromTransport(transport), close: () => undefined };
  }
  // An explicit session manager so that close() can end the connection; an idle one does not keep
  // the process alive either way (connect-node unrefs it).
  const sessionManager = new Http2SessionManager(options.baseUrl, {}, nodeOptions);
  const transport = createGrpcTransport({ baseUrl: options.baseUrl, interceptors, sessionManager, defaultTimeoutMs: options.timeoutMs });
  return { ...createTaskyardClientFromTransport(transport), close: () => sessionManager.abort() };
}

/** The TLS options node:http2 connect() and node:https request() share. */
type NodeTlsOptions = { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer; servername?: string; rejectUnauthorized?: boolean };

function tlsNodeOptions(tls: TlsOptions | undefined): NodeTlsOptions | undefined {
  if (!tls) return undefined;
  return {
    ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
    ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
    ...(tls.key !== undefined ? { key: tls.key } : {}),
    ...(tls.serverName !== undefined ? { servername: tls.serverName } : {}),
    ...(tls.insecureSkipVerify ? { rejectUnauthorized: false } : {}),
  };
}

export { createTaskyardClientFromTransport, type TaskyardClient } from "./core.js";
export { bearerToken, type TokenSource } from "./auth.js";
export { isTerminal, statusName, TERMINAL_STATUSES } from "./status.js";
export type { WaitForOptions } from "./wait.js";
export type { WatchOptions } from "./watch.js";
export * from "./messages.js";
