/**
 * A real Taskyard in the test process: the API on a free port (gRPC and Connect over real
 * sockets), the dispatcher, and optionally a worker with the built-in handlers — against the
 * MariaDB and Temporal the global setup started.
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { DescService } from "@bufbuild/protobuf";
import { createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import type { Client as TemporalClient } from "@temporalio/client";
import type { NativeConnection } from "@temporalio/worker";
import type { DataSource } from "typeorm";
import { inject } from "vitest";
import { loadConfig, type Config } from "../../src/config.js";
import { createDefaultRegistry } from "../../src/activities/handlers/registry.js";
import { startApi, type RunningApi } from "../../src/app/api.js";
import { startWorker } from "../../src/app/worker.js";
import { createDataSource } from "../../src/infra/db/data-source.js";
import { createLogger } from "../../src/infra/logger.js";
import { connectClient, connectWorker } from "../../src/infra/temporal/connection.js";
import { loadWorkflowBundle, type WorkerGroup } from "../../src/infra/temporal/worker.js";
import { TaskService } from "../../src/gen/taskyard/v1/task_service_pb.js";
import { TaskStatus, type Task } from "../../src/gen/taskyard/v1/task_pb.js";

export function testEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: inject("databaseUrl"),
    TEMPORAL_ADDRESS: inject("temporalAddress"),
    TASKYARD_WORKFLOW_BUNDLE_PATH: inject("workflowBundlePath"),
    TASKYARD_HOST: "127.0.0.1",
    TASKYARD_PORT: "0",
    TEMPORAL_UI_URL: "http://localhost:8233",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "error",
    TASKYARD_DISPATCH_INTERVAL_MS: "250",
    TASKYARD_PROGRESS_INTERVAL_MS: "100",
    TASKYARD_RECONCILE_INTERVAL_MS: "1000",
    TASKYARD_SHUTDOWN_GRACE_MS: "2000",
    // Suites that test authentication and limits turn these on (test/integration/auth*, security*).
    TASKYARD_AUTH_MODE: "off",
    TASKYARD_CREATE_RATE_PER_SECOND: "0",
    ...extra,
  };
}

export interface TestApp {
  config: Config;
  baseUrl: string;
  dataSource: DataSource;
  api: RunningApi;
  /** TaskService over real gRPC (HTTP/2, h2c). */
  grpc: Client<typeof TaskService>;
  /**
   * POSTs JSON to a method the way curl or a browser does (Connect protocol): TaskService unless
   * `service` says otherwise; `token` is sent as `Authorization: Bearer <token>`.
   */
  json(method: string, body: unknown, options?: { token?: string; service?: string }): Promise<{ status: number; body: any; headers: Headers }>;
  /** A client of any served service over gRPC (or Connect JSON), sending `token` as a Bearer credential. */
  client<T extends DescService>(service: T, options?: { token?: string; protocol?: "grpc" | "connect" }): Client<T>;
  stop(): Promise<void>;
}

export async function startTestApp(options: { worker?: boolean; env?: Record<string, string> } = {}): Promise<TestApp> {
  const config = loadConfig(testEnv(options.env));
  const logger = createLogger(config.logLevel);
  const dataSource = createDataSource(config.databaseUrl!, 5);
  await dataSource.initialize();
  const client: TemporalClient = await connectClient(config.temporal);
  const registry = createDefaultRegistry();
  const api = await startApi({ config, dataSource, client, registry, logger });

  let connection: NativeConnection | undefined;
  let worker: WorkerGroup | undefined;
  if (options.worker !== false) {
    connection = await connectWorker(config.temporal, logger);
    worker = await startWorker({ config, dataSource, connection, registry, bundle: await loadWorkflowBundle(config.worker.workflowBundlePath), logger });
    void worker.run();
  }

  const baseUrl = `http://127.0.0.1:${api.port}`;
  const transport = createGrpcTransport({ baseUrl });
  return {
    config,
    baseUrl,
    dataSource,
    api,
    grpc: createClient(TaskService, transport),
    async json(method, body, options = {}) {
      const res = await fetch(`${baseUrl}/${options.service ?? "taskyard.v1.TaskService"}/${method}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(options.token !== undefined ? { authorization: `Bearer ${options.token}` } : {}) },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
    },
    client(service, options = {}) {
      const interceptors: Interceptor[] = [];
      if (options.token !== undefined) {
        const token = options.token;
        interceptors.push((next) => (req) => {
          req.header.set("authorization", `Bearer ${token}`);
          return next(req);
        });
      }
      const t =
        options.protocol === "connect"
          ? createConnectTransport({ baseUrl, httpVersion: "1.1", useBinaryFormat: false, interceptors })
          : createGrpcTransport({ baseUrl, interceptors });
      return createClient(service, t);
    },
    async stop() {
      await worker?.shutdown();
      await connection?.close();
      await api.stop();
      await client.connection.close();
      await dataSource.destroy();
    },
  };
}

/** Polls `fn` until `until` accepts its value; fails with the last value after `timeoutMs`. */
export async function waitFor<T>(fn: () => Promise<T>, until: (value: T) => boolean, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await fn();
    if (until(last)) return last;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** `taskyard worker` as a separate OS process (so a test can kill it like a crashed pod). */
export function spawnWorkerProcess(queues: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "worker", "--queues", queues.join(",")], {
    env: { ...process.env, ...testEnv(env) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr?.on("data", (d) => process.env.TEST_VERBOSE && process.stderr.write(d));
  child.stdout?.on("data", (d) => process.env.TEST_VERBOSE && process.stdout.write(d));
  return child;
}


const TERMINAL = [TaskStatus.COMPLETED, TaskStatus.COMPLETED_WITH_ERRORS, TaskStatus.FAILED, TaskStatus.CANCELLED];
export const isTerminal = (t: Task): boolean => TERMINAL.includes(t.status);

export function uniqueLabel(): string {
  return `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}
