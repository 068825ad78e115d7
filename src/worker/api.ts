/**
 * The kit's client of Taskyard's WorkerService (Connect protocol, binary, over HTTP/1.1 or
 * HTTP/2), sending the worker credential. Calls that fail with UNAVAILABLE are retried a few
 * times with backoff: a deploy of the API must not fail running handlers.
 */
import { Code, ConnectError, createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { context, propagation } from "@opentelemetry/api";
import { setTimeout as sleep } from "node:timers/promises";
import { WorkerService } from "../gen/taskyard/v1/worker_service_pb.js";

export type WorkerApi = Client<typeof WorkerService>;

const RETRIES = [200, 500, 1000, 2000, 4000];

export function createWorkerApi(baseUrl: string, token: string | undefined): WorkerApi {
  const interceptors: Interceptor[] = [retryUnavailable, propagateTrace];
  if (token) {
    interceptors.push((next) => (req) => {
      req.header.set("authorization", `Bearer ${token}`);
      return next(req);
    });
  }
  return createClient(WorkerService, createConnectTransport({ baseUrl, httpVersion: "1.1", useBinaryFormat: true, interceptors }));
}

/**
 * Sends the active trace context (a handler's RunActivity span) as `traceparent`, so the API's
 * spans of StartTaskRun, progress and completion join the task's trace. Without a started
 * OpenTelemetry SDK in this process, nothing is sent.
 */
const propagateTrace: Interceptor = (next) => (req) => {
  propagation.inject(context.active(), req.header, { set: (headers, key, value) => headers.set(key, value) });
  return next(req);
};

const retryUnavailable: Interceptor = (next) => async (req) => {
  for (let i = 0; ; i++) {
    try {
      return await next(req);
    } catch (err) {
      const code = ConnectError.from(err).code;
      if ((code !== Code.Unavailable && code !== Code.Aborted) || i >= RETRIES.length || req.signal.aborted) throw err;
      await sleep(RETRIES[i]!);
    }
  }
};
