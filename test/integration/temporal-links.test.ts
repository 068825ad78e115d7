/**
 * Temporal ⇄ task links: every task's workflow carries the task id as the TaskyardTaskId search
 * attribute (the Temporal UI filters on it) and a summary, and its details link back to the task
 * in the console (TASKYARD_CONSOLE_URL; every test app sets the same one, see test/helpers/app.ts).
 * Tasks created over gRPC and over Connect JSON; the workflows read back with the Temporal client.
 */
import { Client, Connection } from "@temporalio/client";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { TASK_ID_KEY } from "../../src/infra/temporal/search-attributes.js";
import { startTestApp, waitFor, type TestApp } from "../helpers/app.js";

let app: TestApp;
let temporal: Client;
beforeAll(async () => {
  app = await startTestApp();
  temporal = new Client({ connection: await Connection.connect({ address: inject("temporalAddress") }) });
});
afterAll(async () => {
  await temporal?.connection.close();
  await app?.stop();
});

it("tags each task's workflow with its task id and links it back to the console", async () => {
  expect(app.config.consoleUrl).toBe("http://localhost:8080/console");
  const viaGrpc = await app.grpc.createTask({ task: { type: "demo.sleep", params: { steps: 1, step_ms: 0 } } });
  const viaJson = await app.json("CreateTask", { task: { type: "demo.sleep", params: { steps: 1, step_ms: 0 } } });
  expect(viaJson.status).toBe(200);

  for (const id of [viaGrpc.id, viaJson.body.id as string]) {
    // The workflow exists once the dispatcher has handed the task over.
    const described = await waitFor(
      () => temporal.workflow.getHandle(id).describe().catch(() => undefined),
      (d) => d !== undefined,
      20_000,
    );
    expect(described!.typedSearchAttributes.get(TASK_ID_KEY)).toBe(id);
    expect(await described!.staticSummary()).toBe(`demo.sleep task ${id}`);
    expect(await described!.staticDetails()).toBe(`[Open in Taskyard console](http://localhost:8080/console/tasks/${id})`);

    // What the Temporal UI's filter box runs.
    const found = await waitFor(
      async () => {
        const ids: string[] = [];
        for await (const wf of temporal.workflow.list({ query: `TaskyardTaskId = "${id}"` })) ids.push(wf.workflowId);
        return ids;
      },
      (ids) => ids.length > 0,
      10_000,
      250,
    );
    expect(found).toEqual([id]);
  }
});
