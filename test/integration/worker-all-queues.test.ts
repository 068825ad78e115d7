/**
 * A worker of all queues (`taskyard worker --all-queues`, what `npm run dev` runs): it serves
 * every queue of its tenant, including a queue created after it started, with no restart.
 * A tenant of its own with a worker credential, so it polls only this suite's queues.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { DEMO_HANDLERS } from "../../src/commands/worker.js";
import { QueueService } from "../../src/gen/taskyard/v1/queue_service_pb.js";
import { TaskStatus } from "../../src/gen/taskyard/v1/task_pb.js";
import { TaskService } from "../../src/gen/taskyard/v1/task_service_pb.js";
import { createLogger } from "../../src/infra/logger.js";
import { runWorker, type RunningWorker } from "../../src/worker/run.js";
import { isTerminal, startTestApp, uniqueLabel, waitFor, type TestApp } from "../helpers/app.js";
import { createApiKey, startTestIdp, uniqueTenant, type TestIdp } from "../helpers/auth.js";

let idp: TestIdp;
let app: TestApp;
let worker: RunningWorker;
const tenant = uniqueTenant("allq");
beforeAll(async () => {
  idp = await startTestIdp();
  // Re-registration every second (a third of the TTL), so a new queue is picked up quickly.
  app = await startTestApp({ worker: false, env: { ...idp.env, TASKYARD_WORKER_TTL_MS: "3000" } });
  const { token } = await createApiKey(app.dataSource, tenant, "worker");
  worker = await runWorker({ handlers: DEMO_HANDLERS, queues: "all", url: app.baseUrl, token, temporal: { address: app.config.temporal.address! }, logger: createLogger("silent") });
});
afterAll(async () => {
  await worker?.stop();
  await app?.stop();
  await idp?.stop();
});

it("runs tasks of a queue created after the worker started, over gRPC and Connect JSON", async () => {
  const token = await idp.token({ tenant, roles: ["admin"] });
  const name = `late-${uniqueLabel()}`;
  await app.client(QueueService, { token, protocol: "connect" }).createQueue({ queue: { name } });
  const tasks = app.client(TaskService, { token });
  const task = await tasks.createTask({ task: { type: "demo.sleep", queue: name, params: { steps: 2, step_ms: 10 } } });
  const done = await waitFor(() => tasks.getTask({ id: task.id }), isTerminal, 30_000);
  expect(done.status).toBe(TaskStatus.COMPLETED);
  expect(worker.taskQueues()).toContain(`taskyard.${name}/${tenant}/demo.sleep`);
  const listed = await app.json("ListTaskTypes", {}, { token });
  expect(listed.body.taskTypes.find((t: { type: string }) => t.type === "demo.sleep").queues).toEqual(expect.arrayContaining(["default", name]));
});
