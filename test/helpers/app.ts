/**
 * A real Taskyard in the test process: the API on a free port (gRPC and Connect over real
 * sockets), the dispatcher, the workflow host, and optionally a worker (the TypeScript kit,
 * through the API) with the built-in demo handlers — against the MariaDB and Temporal the global
 * setup started. The demo types are registered in tenant `default` either way.
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
import { startApi, type RunningApi } from "../../src/app/api.js";
import { startWorkflowHost } from "../../src/app/workflow-host.js";
import { DEMO_HANDLERS } from "../../src/commands/worker.js";
import { runWorker, type RunningWorker } from "../../src/worker/run.js";
import { ensureDemoTypes, trackDatabase, untrackDatabase } from "./task-types.js";
import { createDataSource } from "../../src/infra/db/data-source.js";
import { createLogger } from "../../src/infra/logger.js";
import { connectClient, connectWorker } from "../../src/infra/temporal/connection.js";
import { loadWorkflowBundle, type WorkerGroup } from "../../src/infra/temporal/worker.js";
import { createApiKey } from "./auth.js";
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
    // Every test app the same: any app's dispatcher may start another's tasks (test/integration/temporal-links.test.ts).
    TASKYARD_CONSOLE_URL: "http://localhost:8080/console",
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
  trackDatabase(dataSource);
  await ensureDemoTypes("default", dataSource);
  const client: TemporalClient = await connectClient(config.temporal);
  const api = await startApi({ config, dataSource, client, logger });
  const connection: NativeConnection = await connectWorker(config.temporal, logger);
  const host: WorkerGroup = await startWorkflowHost({ config, dataSource, connection, bundle: await loadWorkflowBundle(config.worker.workflowBundlePath), logger });

  let worker: RunningWorker | undefined;
  if (options.worker !== false) {
    // With authentication on, the worker holds a worker credential of tenant default, as in production.
    const token = config.auth.mode === "on" ? (await createApiKey(dataSource, "default", "worker")).token : undefined;
    worker = await runWorker({
      handlers: DEMO_HANDLERS,
      queues: config.worker.queues,
      url: `http://127.0.0.1:${api.port}`,
      token,
      temporal: connection,
      concurrency: config.worker.concurrency,
      shutdownGraceMs: config.shutdownGraceMs,
      logger,
    });
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
      await worker?.stop();
      await host.shutdown();
      await connection.close();
      untrackDatabase(dataSource);
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
export function spawnWorkerProcess(app: TestApp, queues: string[], env: Record<string, string> = {}, handlers?: string): ChildProcess {
  const args = ["--import", "tsx", "src/cli.ts", "worker", "--queues", queues.join(","), ...(handlers ? ["--handlers", handlers] : [])];
  const child = spawn(process.execPath, args, {
    // A worker holds no database credentials: only Taskyard's URL (and a token when auth is on) and Temporal.
    env: { ...process.env, ...testEnv({ DATABASE_URL: "", TASKYARD_URL: app.baseUrl, ...env }) },
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
