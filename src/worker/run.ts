/**
 * `runWorker`: a worker process of the TypeScript kit. Registers its handlers' types with
 * Taskyard (RegisterWorker, again every heartbeat interval), polls the Temporal task queue
 * Taskyard assigns to each (queue, type), and unregisters when stopped. It needs Taskyard's URL,
 * a worker credential and Temporal — never the database.
 */
import os from "node:os";
import { durationMs } from "@bufbuild/protobuf/wkt";
import { NativeConnection } from "@temporalio/worker";
import type { Logger } from "pino";
import { v4 as uuidv4 } from "uuid";
import { createWorkerGroup, installTemporalRuntime, type WorkerGroup } from "../infra/temporal/worker.js";
import { createLogger } from "../infra/logger.js";
import type { RegisterWorkerResponse } from "../gen/taskyard/v1/worker_service_pb.js";
import { createHandlerActivity } from "./activity.js";
import { createWorkerApi } from "./api.js";
import type { TaskHandler } from "./handler.js";
import { registrationOf } from "./registration.js";

export const KIT_SDK = "taskyard-worker-typescript/0.1.0";
/** Cancellation reaches a handler that reports progress within about this long (plus Taskyard's answer). */
const MAX_HEARTBEAT_THROTTLE_MS = 500;

export interface RunWorkerOptions {
  handlers: readonly TaskHandler[];
  /** Taskyard queues to serve; default `default`. */
  queues?: readonly string[];
  /** Taskyard's API, e.g. http://127.0.0.1:8080 (env TASKYARD_URL). */
  url: string;
  /** The worker credential (API key or JWT with role `worker`; env TASKYARD_TOKEN). */
  token?: string;
  /** A Temporal connection, or the address to connect to (env TEMPORAL_ADDRESS). */
  temporal: NativeConnection | { address: string };
  /** Handler activities run at once; default 10. */
  concurrency?: number;
  shutdownGraceMs?: number;
  logger?: Logger;
}

export interface RunningWorker {
  workerId: string;
  /** The Temporal task queues polled, one per (queue, type). */
  taskQueues: readonly string[];
  /** Resolves when the worker stopped (by `stop()` or a fatal error). */
  done: Promise<void>;
  stop(): Promise<void>;
}

export async function runWorker(options: RunWorkerOptions): Promise<RunningWorker> {
  const logger = options.logger ?? createLogger("info");
  if (options.handlers.length === 0) throw new Error("runWorker: no handlers given");
  const api = createWorkerApi(options.url, options.token);
  const workerId = uuidv4();
  const request = registrationOf(workerId, `${KIT_SDK.split("/")[0]}@${os.hostname()}/${process.pid}`, KIT_SDK, options.queues ?? ["default"], options.handlers);
  let registered: RegisterWorkerResponse;
  try {
    registered = await api.registerWorker(request);
  } catch (err) {
    throw new Error(`could not register with Taskyard at ${options.url}: ${(err as Error).message}`);
  }

  installTemporalRuntime(logger);
  const ownConnection = !("close" in options.temporal);
  const connection = "close" in options.temporal ? options.temporal : await NativeConnection.connect({ address: options.temporal.address });
  const byType = new Map(options.handlers.map((h) => [h.type, h]));
  const activitiesByQueue = new Map<string, Record<string, unknown>>();
  const deps = { api, workerId, progressIntervalMs: durationMs(registered.progressInterval!), logger: logger.child({ component: "handler" }) };
  for (const a of registered.assignments) {
    const activities = activitiesByQueue.get(a.temporalTaskQueue) ?? {};
    activities[a.type] = createHandlerActivity(byType.get(a.type)!, deps);
    activitiesByQueue.set(a.temporalTaskQueue, activities);
  }
  const group: WorkerGroup = await createWorkerGroup({
    connection,
    namespace: registered.temporalNamespace,
    taskQueues: [...activitiesByQueue.keys()],
    activities: (taskQueue) => activitiesByQueue.get(taskQueue)!,
    maxConcurrentActivities: options.concurrency ?? 10,
    shutdownGraceMs: options.shutdownGraceMs ?? 10_000,
    maxHeartbeatThrottleMs: MAX_HEARTBEAT_THROTTLE_MS,
    identity: request.identity,
  });

  const heartbeat = setInterval(() => {
    api.registerWorker(request).catch((err: Error) => logger.warn({ err: err.message }, "re-registration with Taskyard failed; retrying at the next interval"));
  }, durationMs(registered.heartbeatInterval!));
  heartbeat.unref();

  const running = group.run();
  logger.info({ workerId, queues: request.queues, types: [...byType.keys()], taskQueues: group.taskQueues }, "worker polling");
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      clearInterval(heartbeat);
      await group.shutdown();
      await api.unregisterWorker({ workerId }).catch((err: Error) => logger.warn({ err: err.message }, "could not unregister from Taskyard"));
      if (ownConnection) await connection.close();
    })());
  const done = running.then(
    () => stop(),
    async (err) => {
      await stop();
      throw err;
    },
  );
  return { workerId, taskQueues: group.taskQueues, done, stop };
}
