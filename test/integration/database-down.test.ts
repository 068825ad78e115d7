/**
 * Fail fast and tell: with the database frozen (a TCP proxy in front of the real MariaDB stops
 * every byte, as a SIGSTOPped or partitioned server would), RPCs answer UNAVAILABLE instead of
 * hanging — over gRPC and Connect JSON — and grpc.health.v1 says NOT_SERVING; once it answers
 * again both recover on their own, and a create retried with the same request_id makes one task.
 */
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { Health, HealthCheckResponse_ServingStatus as Serving } from "../../src/gen/grpc/health/v1/health_pb.js";
import { SERVED_SERVICES } from "../../src/rpc/routes.js";
import { startTestApp, uniqueLabel, waitFor, type TestApp } from "../helpers/app.js";
import { errorOf } from "../helpers/rpc.js";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy.js";

let proxy: TcpProxy;
let app: TestApp;
beforeAll(async () => {
  const db = new URL(inject("databaseUrl"));
  proxy = await startTcpProxy({ host: db.hostname, port: Number(db.port) });
  db.host = `127.0.0.1:${proxy.port}`;
  app = await startTestApp({ worker: false, env: { DATABASE_URL: db.toString(), DATABASE_PROBE_INTERVAL_MS: "200", DATABASE_PROBE_TIMEOUT_MS: "500" } });
});
afterAll(async () => {
  proxy?.thaw();
  await app?.stop();
  await proxy?.close();
});

const health = (service = "") => app.client(Health).check({ service }).then((r) => r.status);
/** taskyard_health_serving on /metrics (the gauge alerts use). */
const servingGauge = () => fetch(`${app.baseUrl}/metrics`).then(async (r) => Number(/^taskyard_health_serving (\S+)$/m.exec(await r.text())?.[1]));

it("answers UNAVAILABLE while the database is frozen, says NOT_SERVING, and recovers with nothing duplicated", async () => {
  const requestId = `down-${uniqueLabel()}`;
  const create = () => app.grpc.createTask({ task: { type: "demo.sleep" }, start: false, requestId }, { timeoutMs: 20_000 });
  expect(await health()).toBe(Serving.SERVING);

  proxy.freeze();
  // A call in flight when the database froze answers UNAVAILABLE once the probe notices …
  const inFlight = await errorOf(create());
  expect(inFlight.code).toBe(Code.Unavailable);
  expect(inFlight.rawMessage).toMatch(/database is unavailable/);
  expect(await health()).toBe(Serving.NOT_SERVING);
  // Per service name as gRPC health defines: each API service follows the database; health
  // itself and reflection need none and stay SERVING (a liveness probe can name them).
  for (const service of SERVED_SERVICES) expect(await health(service), service).toBe(Serving.NOT_SERVING);
  expect(await health("grpc.health.v1.Health")).toBe(Serving.SERVING);
  expect(await health("grpc.reflection.v1.ServerReflection")).toBe(Serving.SERVING);
  expect(await servingGauge()).toBe(0);
  // … and new calls at once, over Connect JSON too (HTTP 503).
  const json = await app.json("GetTask", { id: "01a23399-366a-77c0-a305-8fe775b7da96" });
  expect(json.status).toBe(503);
  expect(json.body.code).toBe("unavailable");

  proxy.thaw();
  await waitFor(health, (s) => s === Serving.SERVING, 20_000);
  for (const service of SERVED_SERVICES) expect(await health(service), service).toBe(Serving.SERVING);
  expect(await servingGauge()).toBe(1);
  // The client retries with its request_id: one task, whether or not the frozen call committed.
  const task = await create();
  expect((await create()).id).toBe(task.id);
  const [row] = await app.dataSource.query(`SELECT COUNT(*) AS n FROM tasks WHERE request_id = ?`, [requestId]);
  expect(Number(row.n)).toBe(1);
});
