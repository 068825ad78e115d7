/**
 * Temporal workers: one per Temporal task queue the process serves, sharing one connection:
 * the workflow host (taskWorkflow + bookkeeping) in `serve`, handler activities in the worker kit. The workflow code is bundled once per
 * process (or loaded pre-built from TASKYARD_WORKFLOW_BUNDLE_PATH in production images).
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode, type NativeConnection } from "@temporalio/worker";
import type { Logger } from "pino";
import { tracingWorkerInterceptors, tracingWorkflowSinks, WORKFLOW_INTERCEPTOR_MODULES } from "./tracing.js";

export type WorkflowBundle = { code: string };

let runtimeInstalled = false;

/**
 * Routes the SDK's own logging (activity failures, worker state) into our logger at warn and
 * above (it is chatty at info). The runtime is a process singleton: the first call wins, and it
 * must come before the first NativeConnection. Signals stay ours (`untilSignal`), not the SDK's.
 * `prometheusBindAddress` ("host:port"): the SDK serves its metrics (temporal_*) at /metrics there.
 */
export function installTemporalRuntime(logger: Logger, options: { prometheusBindAddress?: string } = {}): void {
  if (runtimeInstalled) {
    if (options.prometheusBindAddress) logger.warn({ bindAddress: options.prometheusBindAddress }, "the Temporal runtime was installed already: its SDK metrics are not exported");
    return;
  }
  runtimeInstalled = true;
  const sdk = logger.child({ component: "temporal-sdk" });
  const bindAddress = options.prometheusBindAddress;
  Runtime.install({
    // Seconds and _total suffixes, as Prometheus names them (the SDK defaults to milliseconds).
    ...(bindAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress, useSecondsForDurations: true, countersTotalSuffix: true, unitSuffix: true } } } } : {}),
    logger: new DefaultLogger("WARN", ({ level, message, meta }) => {
      // Activity-only workers (the worker kit) are meant to have no workflows.
      if (message.startsWith("No workflows registered")) return;
      const fields = { ...meta, error: meta?.error instanceof Error ? meta.error.message : meta?.error };
      if (level === "ERROR") sdk.error(fields, message);
      else sdk.warn(fields, message);
    }),
    shutdownSignals: [],
  });
}

/** The workflows entry point next to this build: workflows/index.ts from source, .js when compiled. */
export function workflowsPath(): string {
  for (const ext of ["ts", "js"]) {
    const p = fileURLToPath(new URL(`../../../workflows/index.${ext}`, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new Error("workflows/index.(ts|js) not found next to this build");
}

export async function loadWorkflowBundle(prebuiltPath: string | undefined): Promise<WorkflowBundle> {
  if (prebuiltPath) return { code: await readFile(prebuiltPath, "utf8") };
  // Temporal's OpenTelemetry workflow interceptors are part of the bundle (they no-op without tracing).
  return bundleWorkflowCode({ workflowsPath: workflowsPath(), workflowInterceptorModules: [...WORKFLOW_INTERCEPTOR_MODULES], logger: new DefaultLogger("WARN") });
}

export interface WorkerGroupOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueues: readonly string[];
  /** Activities of each task queue (or one set for all). */
  activities: object | ((taskQueue: string) => object);
  /** taskWorkflow's bundle; none for activity-only workers (the worker kit). */
  workflowBundle?: WorkflowBundle;
  maxConcurrentActivities: number;
  shutdownGraceMs: number;
  /** Upper bound of the heartbeat throttle: how soon a cancellation reaches a handler that reports often. */
  maxHeartbeatThrottleMs?: number;
  identity?: string;
}

/** Workers for every task queue; `run()` resolves when all have shut down. */
export async function createWorkerGroup(opts: WorkerGroupOptions) {
  const workers = await Promise.all(
    opts.taskQueues.map((taskQueue) =>
      Worker.create({
        connection: opts.connection,
        namespace: opts.namespace,
        taskQueue,
        ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle, sinks: tracingWorkflowSinks() } : {}),
        interceptors: tracingWorkerInterceptors(),
        activities: typeof opts.activities === "function" ? opts.activities(taskQueue) : opts.activities,
        maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivities,
        shutdownGraceTime: opts.shutdownGraceMs,
        ...(opts.maxHeartbeatThrottleMs !== undefined
          ? { maxHeartbeatThrottleInterval: opts.maxHeartbeatThrottleMs, defaultHeartbeatThrottleInterval: opts.maxHeartbeatThrottleMs }
          : {}),
        ...(opts.identity ? { identity: opts.identity } : {}),
      }),
    ),
  );
  let running: Promise<unknown> | undefined;
  return {
    taskQueues: opts.taskQueues,
    run(): Promise<unknown> {
      running ??= Promise.all(workers.map((w) => w.run()));
      return running;
    },
    async shutdown(): Promise<void> {
      for (const w of workers) if (w.getState() === "RUNNING") w.shutdown();
      await running;
    },
  };
}

export type WorkerGroup = Awaited<ReturnType<typeof createWorkerGroup>>;
