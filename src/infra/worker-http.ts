/**
 * The worker's small HTTP side door (TASKYARD_WORKER_METRICS_PORT): /metrics (the worker's own
 * registry: handler outcomes, process) and /healthz for probes. Temporal's SDK metrics are on
 * their own port (TASKYARD_WORKER_SDK_METRICS_PORT), served by the SDK.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

/** `problem()`: why the worker is not healthy, or undefined when it is (GET /healthz answers 503 with it). */
export async function startWorkerHttp(port: number, host: string, registry: Registry, problem: () => string | undefined) {
  const server = http.createServer((req, res) => {
    if (req.method === "GET" && req.url === "/healthz") {
      const why = problem();
      res.writeHead(why ? 503 : 200, { "content-type": "text/plain" }).end(why ? `${why}\n` : "ok\n");
    } else if (req.method === "GET" && req.url === "/metrics") {
      void registry.metrics().then((body) => res.writeHead(200, { "content-type": registry.contentType }).end(body));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
