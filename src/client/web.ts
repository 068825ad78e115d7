/**
 * `taskyard/client/web` for browsers (and any runtime with fetch): Connect JSON over fetch by
 * default — readable in the network tab, and what Taskyard's CORS settings allow — or gRPC-Web.
 * No Node imports here or below (test/integration/client.test.ts bundles it for the browser).
 */
import type { Interceptor } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-web";
import { bearerToken, type TokenSource } from "./auth.js";
import { createTaskyardClientFromTransport, type TaskyardClient } from "./core.js";

export interface WebTaskyardClientOptions {
  /** The API's origin, e.g. `https://taskyard.example.com`; it must allow yours (TASKYARD_CORS_ORIGINS). */
  baseUrl: string;
  /** API key or JWT, sent as `Authorization: Bearer …`. A function is asked before each call. */
  token?: TokenSource;
  /** `connect` (default, JSON unless `binary`) or `grpc-web`. */
  protocol?: "connect" | "grpc-web";
  /** Binary protobuf instead of JSON (Connect); gRPC-Web is always binary. */
  binary?: boolean;
  /** Default deadline of each call. */
  timeoutMs?: number;
  /** A fetch to use instead of the global one. */
  fetch?: typeof globalThis.fetch;
  /** Extra interceptors, run after the credential is set. */
  interceptors?: Interceptor[];
}

export function createTaskyardClient(options: WebTaskyardClientOptions): TaskyardClient {
  const interceptors = [...(options.token ? [bearerToken(options.token)] : []), ...(options.interceptors ?? [])];
  const common = { baseUrl: options.baseUrl, interceptors, defaultTimeoutMs: options.timeoutMs, fetch: options.fetch };
  const transport =
    options.protocol === "grpc-web"
      ? createGrpcWebTransport({ ...common, useBinaryFormat: true })
      : createConnectTransport({ ...common, useBinaryFormat: options.binary ?? false });
  return createTaskyardClientFromTransport(transport);
}

export { createTaskyardClientFromTransport, type TaskyardClient } from "./core.js";
export { bearerToken, type TokenSource } from "./auth.js";
export { isTerminal, statusName, TERMINAL_STATUSES } from "./status.js";
export type { WaitForOptions } from "./wait.js";
export type { WatchOptions } from "./watch.js";
export * from "./messages.js";
