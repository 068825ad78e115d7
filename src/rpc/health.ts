// grpc.health.v1.Health, served on the same Connect router as the API.
// Spec: https://github.com/grpc/grpc/blob/master/doc/health-checking.md
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { ConnectRouter, HandlerContext } from "@connectrpc/connect";
import {
  Health,
  HealthCheckResponseSchema,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from "../gen/grpc/health/v1/health_pb.js";
import type { HealthCheckRequest, HealthCheckResponse } from "../gen/grpc/health/v1/health_pb.js";

export interface HealthService {
  /** Serves grpc.health.v1.Health (Check and Watch) on the router. */
  register(router: ConnectRouter): void;
  /**
   * Sets the status reported for `service` ("" is the server as a whole) and
   * notifies its watchers if it changed. Ignored after `shutdown()`, so a
   * late component cannot report SERVING while the server drains.
   */
  setStatus(service: string, status: "SERVING" | "NOT_SERVING"): void;
  /** Marks every service NOT_SERVING and ends all Watch streams. */
  shutdown(): void;
}

interface Watcher {
  notify(status: ServingStatus): void;
  end(): void;
}

/** The overall status ("") starts SERVING; other services are unknown until set. */
export function createHealthService(): HealthService {
  const statuses = new Map<string, ServingStatus>([["", ServingStatus.SERVING]]);
  const watchers = new Map<string, Set<Watcher>>();
  let shutDown = false;

  function publish(service: string, status: ServingStatus): void {
    if (statuses.get(service) === status) return;
    statuses.set(service, status);
    for (const watcher of watchers.get(service) ?? []) watcher.notify(status);
  }

  function check(request: HealthCheckRequest): HealthCheckResponse {
    const status = statuses.get(request.service);
    if (status === undefined) {
      // The health spec requires NOT_FOUND for a service the server doesn't know.
      throw new ConnectError(`unknown service "${request.service}"`, Code.NotFound);
    }
    return create(HealthCheckResponseSchema, { status });
  }

  // Sends the current status, then each change. Only the latest status
  // matters to a watcher, so a slow reader skips intermediate values.
  async function* watch(
    request: HealthCheckRequest,
    context: HandlerContext,
  ): AsyncGenerator<HealthCheckResponse> {
    let pending: ServingStatus | undefined =
      statuses.get(request.service) ?? ServingStatus.SERVICE_UNKNOWN;
    let ended = shutDown;
    let wake: (() => void) | undefined;
    const watcher: Watcher = {
      notify(status) {
        pending = status;
        wake?.();
      },
      end() {
        ended = true;
        wake?.();
      },
    };
    const onAbort = (): void => watcher.end();
    context.signal.addEventListener("abort", onAbort);
    let serviceWatchers = watchers.get(request.service);
    if (!serviceWatchers) watchers.set(request.service, (serviceWatchers = new Set()));
    serviceWatchers.add(watcher);
    try {
      for (;;) {
        // A pending status goes out before the end, so shutdown's NOT_SERVING is delivered.
        if (pending !== undefined) {
          const status: ServingStatus = pending;
          pending = undefined;
          yield create(HealthCheckResponseSchema, { status });
          continue;
        }
        if (ended || context.signal.aborted) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      context.signal.removeEventListener("abort", onAbort);
      serviceWatchers.delete(watcher);
      if (serviceWatchers.size === 0) watchers.delete(request.service);
    }
  }

  return {
    register(router) {
      router.service(Health, { check, watch });
    },
    setStatus(service, status) {
      if (shutDown) return;
      publish(service, status === "SERVING" ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
    },
    shutdown() {
      shutDown = true;
      for (const service of statuses.keys()) publish(service, ServingStatus.NOT_SERVING);
      for (const serviceWatchers of watchers.values()) {
        for (const watcher of serviceWatchers) watcher.end();
      }
    },
  };
}
