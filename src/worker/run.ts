/**
 * `runWorker`: a worker process of the TypeScript kit. Registers its handlers' types with
 * Taskyard (RegisterWorker, again every heartbeat interval), polls the Temporal task queue
 * Taskyard assigns to each (queue, type) — starting to poll new ones when a re-registration
 * answers more (a queue created meanwhile, for a worker of all queues) — and unregisters when
 * stopped. It needs Taskyard's URL, a worker credential and Temporal — never the database.
 */
import os from "node:os";
import { durationMs } from "@bufbuild/protobuf/wkt";
import { NativeConnection } from "@temporalio/worker";
import type { Logger } from "pino";
import { v4 as uuidv4 } from "uuid";
import { createWorkerGroup, installTemporalRuntime, type WorkerGroup } from "../infra/temporal/worker.js";
import { createLogger } from "../infra/logger.js";
import type { RegisterWorkerResponse } from "../gen/taskyard/v1/worker_service_pb.js";
import { createHandlerActivity, type HandlerActivityDeps, type HandlerMetrics } from "./activity.js";
import { createWorkerApi } from "./api.js";
import type { TaskHandler } from "./handler.js";
import { registrationOf } from "./registration.js";

export const KIT_SDK = "taskyard-worker-typescript/0.1.0";
/** Cancellation reaches a handler that reports progress within about this long (plus Taskyard's answer). */
const MAX_HEARTBEAT_THROTTLE_MS = 500;

export interface RunWorkerOptions {
  handlers: readonly TaskHandler[];
  /** Taskyard queues to serve (default `default`), or "all": every queue of the tenant, including ones created later. */
  queues?: readonly string[] | "all";
  /** Taskyard's API, e.g. http://127.0.0.1:8080 (env TASKYARD_URL). */
  url: string;
  /** The worker credential (API key or JWT with role `worker`; env TASKYARD_TOKEN). */
  token?: string;
  /** A Temporal connection, or the address to connect to (env TEMPORAL_ADDRESS). */
  temporal: NativeConnection | { address: string };
  /** Handler activities run at once, per Temporal task queue; default 10. */
  concurrency?: number;
  shutdownGraceMs?: number;
  logger?: Logger;
  /** Told how each handler run ended, e.g. `createWorkerMetrics().handlers` (taskyard worker does). */
  metrics?: HandlerMetrics;
  /**
   * "host:port" where Temporal's SDK serves its Prometheus metrics (temporal_*). Takes effect only
   * if this call installs the process's Temporal runtime (before any NativeConnection exists).
   */
  sdkMetricsBindAddress?: string;
}

export interface RunningWorker {
  workerId: string;
  /** The Temporal task queues polled now, one per (queue, type). */
  taskQueues(): string[];
  /** Resolves when the worker stopped (by `stop()` or a fatal error). */
  done: Promise<void>;
  stop(): Promise<void>;
}

export async function runWorker(options: RunWorkerOptions): Promise<RunningWorker> {
  const logger = options.logger ?? createLogger("info");
  if (options.handlers.length === 0) throw new Error("runWorker: no handlers given");
  const api = createWorkerApi(options.url, options.token);
  const workerId = uuidv4();
  const identity = `${KIT_SDK.split("/")[0]}@${os.hostname()}/${process.pid}`;
  const request = registrationOf(workerId, identity, KIT_SDK, options.queues ?? ["default"], options.handlers);
  let registered: RegisterWorkerResponse;
  try {
    registered = await api.registerWorker(request);
  } catch (err) {
    throw new Error(`could not register with Taskyard at ${options.url}: ${(err as Error).message}`);
  }

  installTemporalRuntime(logger, { prometheusBindAddress: options.sdkMetricsBindAddress });
  const ownConnection = !("close" in options.temporal);
  const connection = "close" in options.temporal ? options.temporal : await NativeConnection.connect({ address: options.temporal.address });
  const byType = new Map(options.handlers.map((h) => [h.type, h]));
  const deps: HandlerActivityDeps = { api, workerId, progressIntervalMs: durationMs(registered.progressInterval!), logger: logger.child({ component: "handler" }), metrics: options.metrics };
  const groups: WorkerGroup[] = [];
  const polled = new Set<string>();
  let failed: (err: unknown) => void = () => undefined;
  const fatal = new Promise<never>((_, reject) => (failed = reject));
  void fatal.catch(() => undefined);

  /** Starts polling the task queues of `answer` not polled yet. */
  const poll = async (answer: RegisterWorkerResponse) => {
    const fresh = new Map<string, Record<string, unknown>>();
    for (const a of answer.assignments) {
      if (polled.has(a.temporalTaskQueue)) continue;
      const activities = fresh.get(a.temporalTaskQueue) ?? {};
      activities[a.type] = createHandlerActivity(byType.get(a.type)!, deps);
      fresh.set(a.temporalTaskQueue, activities);
    }
    if (fresh.size === 0) return;
    const group = await createWorkerGroup({
      connection,
      namespace: answer.temporalNamespace,
      taskQueues: [...fresh.keys()],
      activities: (taskQueue) => fresh.get(taskQueue)!,
      maxConcurrentActivities: options.concurrency ?? 10,
      shutdownGraceMs: options.shutdownGraceMs ?? 10_000,
      maxHeartbeatThrottleMs: MAX_HEARTBEAT_THROTTLE_MS,
      identity,
    });
    for (const tq of fresh.keys()) polled.add(tq);
    groups.push(group);
    group.run().catch(failed);
    logger.info({ workerId, queues: [...new Set(answer.assignments.map((a) => a.queue))], types: [...byType.keys()], taskQueues: group.taskQueues }, "worker polling");
  };
  await poll(registered);

  const heartbeat = setInterval(() => {
    api
      .registerWorker(request)
      .then(poll)
      .catch((err: Error) => logger.warn({ err: err.message }, "re-registration with Taskyard failed; retrying at the next interval"));
  }, durationMs(registered.heartbeatInterval!));
  heartbeat.unref();

  let stopping: Promise<void> | undefined;
  let stopped: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (stopped = resolve));
  const stop = () =>
    (stopping ??= (async () => {
      clearInterval(heartbeat);
      await Promise.all(groups.map((g) => g.shutdown()));
      await api.unregisterWorker({ workerId }).catch((err: Error) => logger.warn({ err: err.message }, "could not unregister from Taskyard"));
      if (ownConnection) await connection.close();
      stopped();
    })());
  return {
    workerId,
    taskQueues: () => [...polled],
    done: Promise.race([done, fatal.catch(async (err: unknown) => {
      await stop();
      throw err;
    })]),
    stop,
  };
}
