/**
 * The life of a task end to end — real server, real MariaDB, real Temporal worker — over real
 * gRPC and over Connect JSON (plain HTTP POST, as curl or a browser sends it).
 */
import { Client, Connection } from "@temporalio/client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { PROJECT_KEY, TYPE_KEY } from "../../src/infra/temporal/search-attributes.js";
import { TaskStatus } from "../../src/gen/taskyard/v1/task_pb.js";
import { isTerminal, startTestApp, uniqueLabel, waitFor, type TestApp } from "../helpers/app.js";
import { codeOf } from "../helpers/rpc.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

const get = (id: string) => app.grpc.getTask({ id });
const fast = { initialBackoff: { seconds: 0n, nanos: 100_000_000 }, maxBackoff: { seconds: 1n, nanos: 0 } };


describe("over gRPC", () => {
  it("force-stops a task in its commit phase (admin): CANCELLED with reason FORCED, its workflow terminated", async () => {
    const task = await app.grpc.createTask({ task: { type: "demo.analyze", params: { asset_id: "a1", segments: 2, step_ms: 10, commit_ms: 20_000 } } });
    await waitFor(() => get(task.id), (t) => t.progress?.message === "committing results", 20_000);
    expect(await codeOf(app.grpc.cancelTask({ id: task.id }))).toBe("FailedPrecondition");
    const stopped = await app.grpc.cancelTask({ id: task.id, force: true, reason: "stuck upload" });
    expect(stopped).toMatchObject({ status: TaskStatus.CANCELLED, statusReason: "FORCED", statusMessage: "stuck upload" });
    const reasons = (await app.grpc.listTaskEvents({ id: task.id })).events.map((e) => `${TaskStatus[e.toStatus]}:${e.reason}`);
    expect(reasons.slice(-2)).toEqual(["CANCELLING:FORCED", "CANCELLED:FORCED"]);
    const connection = await Connection.connect({ address: inject("temporalAddress") });
    try {
      const desc = await new Client({ connection }).workflow.getHandle(task.id).describe();
      expect(desc.status.name).toBe("TERMINATED");
    } finally {
      await connection.close();
    }
  });

  it("runs a task from QUEUED through RUNNING with rising progress to COMPLETED with its result", async () => {
    const created = await app.grpc.createTask({ task: { type: "demo.sleep", params: { steps: 6, step_ms: 250 }, labels: { run: uniqueLabel() } } });
    expect(created.status).toBe(TaskStatus.QUEUED);
    expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/); // UUIDv7

    const running = await waitFor(() => get(created.id), (t) => t.status === TaskStatus.RUNNING && t.progress!.current > 0n);
    expect(running.workflowId).toBe(created.id);
    expect(running.temporalUiUrl).toBe(`http://localhost:8233/namespaces/default/workflows/${created.id}/${running.workflowRunId}`);

    const seen: bigint[] = [running.progress!.current];
    const done = await waitFor(
      async () => {
        const t = await get(created.id);
        seen.push(t.progress!.current);
        return t;
      },
      isTerminal,
    );
    expect(done.status).toBe(TaskStatus.COMPLETED);
    expect(done.result).toMatchObject({ steps: 6, step_ms: 250, resumed_from: 0 });
    expect(done.progress).toMatchObject({ current: 6n, total: 6n, percent: 100 });
    expect(done.startTime).toBeDefined();
    expect(done.endTime).toBeDefined();
    // Progress was observed rising, not only jumping to the end.
    expect(new Set(seen.filter((c) => c > 0n && c < 6n)).size).toBeGreaterThanOrEqual(2);

    // What Temporal holds: workflow id = task id, type and project as search attributes.
    const temporal = new Client({ connection: await Connection.connect({ address: inject("temporalAddress") }) });
    // The task is COMPLETED in MySQL a moment before its workflow closes (finishTask runs first).
    const described = await waitFor(() => temporal.workflow.getHandle(created.id).describe(), (d) => d.status.name !== "RUNNING");
    expect(described.type).toBe("taskWorkflow");
    expect(described.status.name).toBe("COMPLETED");
    expect(described.typedSearchAttributes.get(TYPE_KEY)).toBe("demo.sleep");
    expect(described.typedSearchAttributes.get(PROJECT_KEY)).toBe("default");
    await temporal.connection.close();

    const { events } = await app.grpc.listTaskEvents({ id: created.id });
    // Dispatched (still QUEUED: waiting for a worker), then RUNNING once a worker's handler began.
    expect(events.map((e) => [e.fromStatus, e.toStatus, e.reason])).toEqual([
      [TaskStatus.UNSPECIFIED, TaskStatus.QUEUED, "CREATED"],
      [TaskStatus.QUEUED, TaskStatus.QUEUED, "DISPATCHED"],
      [TaskStatus.QUEUED, TaskStatus.RUNNING, "STARTED"],
      [TaskStatus.RUNNING, TaskStatus.COMPLETED, "SUCCEEDED"],
    ]);
  });

  it("aborts a running demo.sleep: CANCELLING, then CANCELLED after the handler cleaned up", async () => {
    const created = await app.grpc.createTask({
      task: { type: "demo.sleep", params: { steps: 200, step_ms: 200 }, timeouts: { heartbeat: { seconds: 2n, nanos: 0 } } },
    });
    await waitFor(() => get(created.id), (t) => t.status === TaskStatus.RUNNING && t.progress!.current >= 1n);
    const cancelling = await app.grpc.cancelTask({ id: created.id, reason: "changed my mind" });
    expect([TaskStatus.CANCELLING, TaskStatus.CANCELLED]).toContain(cancelling.status);

    const done = await waitFor(() => get(created.id), isTerminal);
    expect(done.status).toBe(TaskStatus.CANCELLED);
    expect(done.statusReason).toBe("USER_ABORT");
    // Written by the handler's own cleanup path: it saw the cancellation.
    expect(done.progress!.message).toMatch(/aborted at step \d+; cleaned up/);
    expect(done.progress!.current).toBeLessThan(200n);
    const { events } = await app.grpc.listTaskEvents({ id: created.id });
    expect(events.map((e) => e.toStatus)).toEqual([TaskStatus.QUEUED, TaskStatus.QUEUED, TaskStatus.RUNNING, TaskStatus.CANCELLING, TaskStatus.CANCELLED]);
    expect(events[3]!.message).toBe("changed my mind");
  });

  it("refuses to abort a completed task with FAILED_PRECONDITION", async () => {
    const created = await app.grpc.createTask({ task: { type: "demo.sleep", params: { steps: 1, step_ms: 10 } } });
    await waitFor(() => get(created.id), (t) => t.status === TaskStatus.COMPLETED);
    expect(await codeOf(app.grpc.cancelTask({ id: created.id }))).toBe("FailedPrecondition");
    expect((await get(created.id)).status).toBe(TaskStatus.COMPLETED);
  });

  it("fails a non-retryable error at once, without automatic retries", async () => {
    const created = await app.grpc.createTask({
      task: { type: "demo.fail", params: { code: "ASSET_NOT_FOUND", message: "asset a1 is not in the catalog", retryable: false }, retryPolicy: { maxAttempts: 5, ...fast } },
    });
    const done = await waitFor(() => get(created.id), isTerminal);
    expect(done.status).toBe(TaskStatus.FAILED);
    expect(done.error).toMatchObject({ code: "ASSET_NOT_FOUND", message: "asset a1 is not in the catalog", retryable: false });
    expect(done.error!.details).toMatchObject({ execution_attempt: 1 });
    // Not retryable: RetryTask refuses without force.
    expect(await codeOf(app.grpc.retryTask({ id: created.id }))).toBe("FailedPrecondition");
  });

  it("retries a retryable error automatically until it succeeds", async () => {
    const created = await app.grpc.createTask({
      task: { type: "demo.fail", params: { code: "PROBE_FAILED", succeed_on_attempt: 3 }, retryPolicy: { maxAttempts: 5, ...fast } },
    });
    const done = await waitFor(() => get(created.id), isTerminal);
    expect(done.status).toBe(TaskStatus.COMPLETED);
    expect(done.result).toEqual({ succeeded_on_attempt: 3 });
    // Each automatic try is visible on the task and in its history.
    expect(done.executionAttempt).toBe(3);
    const { events } = await app.grpc.listTaskEvents({ id: created.id });
    expect(events.filter((e) => e.reason === "AUTO_RETRY").map((e) => e.message)).toEqual([
      "automatic retry: try 2 of 5",
      "automatic retry: try 3 of 5",
    ]);
  });

  it("fails a retryable error once the policy's attempts are used up", async () => {
    const created = await app.grpc.createTask({
      task: { type: "demo.fail", params: { code: "PROBE_FAILED" }, retryPolicy: { maxAttempts: 2, ...fast } },
    });
    const done = await waitFor(() => get(created.id), isTerminal);
    expect(done.status).toBe(TaskStatus.FAILED);
    expect(done.error).toMatchObject({ code: "PROBE_FAILED", retryable: true, details: { execution_attempt: 2 } });
  });

  it("retries a failed task by hand: it runs again as attempt 2", async () => {
    const created = await app.grpc.createTask({
      task: { type: "demo.fail", params: { code: "ASSET_TOO_SHORT" }, retryPolicy: { maxAttempts: 1, ...fast } },
    });
    const failed = await waitFor(() => get(created.id), isTerminal);
    expect(failed.status).toBe(TaskStatus.FAILED);
    expect(failed.attempt).toBe(1);

    const retried = await app.grpc.retryTask({ id: created.id, reason: "new model" });
    expect(retried.status).toBe(TaskStatus.QUEUED);
    expect(retried.attempt).toBe(2);
    expect(retried.error).toBeUndefined();

    const again = await waitFor(() => get(created.id), isTerminal);
    expect(again.status).toBe(TaskStatus.FAILED);
    expect(again.attempt).toBe(2);
    expect(again.workflowRunId).not.toBe(failed.workflowRunId);
    const { events } = await app.grpc.listTaskEvents({ id: created.id });
    expect(events.filter((e) => e.toStatus === TaskStatus.RUNNING).map((e) => e.attempt)).toEqual([1, 2]);
  });

  it("ends a partially successful task COMPLETED_WITH_ERRORS with item counts", async () => {
    const created = await app.grpc.createTask({ task: { type: "demo.partial", params: { items: 9, fail_every: 3 } } });
    const done = await waitFor(() => get(created.id), isTerminal);
    expect(done.status).toBe(TaskStatus.COMPLETED_WITH_ERRORS);
    expect(done.itemsSucceeded).toBe(6n);
    expect(done.itemsFailed).toBe(3n);
    expect(done.itemFailures.map((f) => f.item)).toEqual(["item-3", "item-6", "item-9"]);
  });

  it("answers the same task for a repeated request_id", async () => {
    const requestId = uniqueLabel();
    const label = uniqueLabel();
    const first = await app.grpc.createTask({ task: { type: "demo.sleep", params: { steps: 1, step_ms: 1 }, labels: { l: label } }, requestId });
    const second = await app.grpc.createTask({ task: { type: "demo.sleep", params: { steps: 1, step_ms: 1 }, labels: { l: label } }, requestId });
    expect(second.id).toBe(first.id);
    const concurrent = await Promise.all(
      Array.from({ length: 8 }, () => app.grpc.createTask({ task: { type: "demo.sleep", params: { steps: 1, step_ms: 1 } }, requestId: `${requestId}-c` })),
    );
    expect(new Set(concurrent.map((t) => t.id)).size).toBe(1);
  });

  it("leaves a task PENDING with start=false and answers validate_only without creating", async () => {
    const label = uniqueLabel();
    const pending = await app.grpc.createTask({ task: { type: "demo.sleep", project: label }, start: false });
    expect(pending.status).toBe(TaskStatus.PENDING);
    const dry = await app.grpc.createTask({ task: { type: "demo.sleep", project: label }, validateOnly: true });
    expect(dry.status).toBe(TaskStatus.QUEUED);
    const list = await app.grpc.listTasks({ project: label });
    expect(list.tasks.map((t) => t.id)).toEqual([pending.id]);
    const cancelled = await app.grpc.cancelTask({ id: pending.id });
    expect(cancelled.status).toBe(TaskStatus.CANCELLED);
  });

  it("answers NOT_FOUND for an unknown id", async () => {
    expect(await codeOf(get("01900000-0000-7000-8000-000000000000"))).toBe("NotFound");
    expect(await codeOf(app.grpc.cancelTask({ id: "01900000-0000-7000-8000-000000000000" }))).toBe("NotFound");
  });

  it("lists newest first, filtered by project, type and statuses, with page tokens and total_size", async () => {
    const project = uniqueLabel();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await app.grpc.createTask({ task: { type: "demo.sleep", project, params: { steps: 1, step_ms: 1 } }, start: false })).id);
    }
    const other = await app.grpc.createTask({ task: { type: "demo.fail", project }, start: false });

    const page1 = await app.grpc.listTasks({ project, type: "demo.sleep", pageSize: 2 });
    expect(page1.totalSize).toBe(5);
    expect(page1.tasks.map((t) => t.id)).toEqual([ids[4], ids[3]]);
    const page2 = await app.grpc.listTasks({ project, type: "demo.sleep", pageSize: 2, pageToken: page1.nextPageToken });
    expect(page2.tasks.map((t) => t.id)).toEqual([ids[2], ids[1]]);
    const page3 = await app.grpc.listTasks({ project, type: "demo.sleep", pageSize: 2, pageToken: page2.nextPageToken });
    expect(page3.tasks.map((t) => t.id)).toEqual([ids[0]]);
    expect(page3.nextPageToken).toBe("");
    expect((await app.grpc.listTasks({ project, type: "demo.sleep", pageSize: 2, page: 3 })).tasks.map((t) => t.id)).toEqual([ids[0]]);

    await app.grpc.cancelTask({ id: ids[0]! });
    const cancelled = await app.grpc.listTasks({ project, statuses: [TaskStatus.CANCELLED] });
    expect(cancelled.tasks.map((t) => t.id)).toEqual([ids[0]]);
    const all = await app.grpc.listTasks({ project, statuses: [TaskStatus.PENDING, TaskStatus.CANCELLED] });
    expect(all.totalSize).toBe(6);
    expect((await app.grpc.listTasks({ project, filter: `type = "demo.fail"` })).tasks.map((t) => t.id)).toEqual([other.id]);
  });
});

describe("over Connect JSON", () => {
  it("creates, follows and completes a task with plain JSON POSTs", async () => {
    const created = await app.json("CreateTask", { task: { type: "demo.sleep", params: { steps: 3, step_ms: 100 }, priority: 75, labels: { asset: "a1", product: "mood", version: "3" } } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ status: "TASK_STATUS_QUEUED", priority: 75, labels: { asset: "a1" } });
    const done = await waitFor(() => app.json("GetTask", { id: created.body.id }), (r) => r.body.status === "TASK_STATUS_COMPLETED");
    expect(done.body.progress).toEqual({ current: "3", total: "3", percent: 100, message: "step 3 of 3" });
    expect(done.body.result).toMatchObject({ steps: 3 });
    expect(Date.parse(done.body.endTime)).toBeGreaterThanOrEqual(Date.parse(done.body.startTime));
  });

  it("aborts a running task and refuses a second abort of the CANCELLED task with HTTP 400 failed_precondition", async () => {
    const created = await app.json("CreateTask", { task: { type: "demo.sleep", params: { steps: 100, step_ms: 200 }, timeouts: { heartbeat: "2s" } } });
    const id = created.body.id;
    await waitFor(() => app.json("GetTask", { id }), (r) => r.body.status === "TASK_STATUS_RUNNING");
    const cancel = await app.json("CancelTask", { id });
    expect(cancel.status).toBe(200);
    await waitFor(() => app.json("GetTask", { id }), (r) => r.body.status === "TASK_STATUS_CANCELLED");
    const again = await app.json("CancelTask", { id });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ code: "failed_precondition" });
    expect(again.body.message).toMatch(/already CANCELLED/);
  });

  it("answers 404 not_found for an unknown id", async () => {
    const res = await app.json("GetTask", { id: "01900000-0000-7000-8000-000000000000" });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("not_found");
  });

  it("lists with statuses given as enum names and returns total_size", async () => {
    const project = uniqueLabel();
    await app.json("CreateTask", { task: { type: "demo.sleep", project }, start: false });
    const res = await app.json("ListTasks", { project, statuses: ["TASK_STATUS_PENDING"], pageSize: 10 });
    expect(res.status).toBe(200);
    expect(res.body.totalSize).toBe(1);
    expect(res.body.tasks[0].status).toBe("TASK_STATUS_PENDING");
  });
});
