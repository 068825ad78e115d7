/**
 * Bad input answers INVALID_ARGUMENT naming the field — over gRPC and Connect JSON — and never
 * INTERNAL. Runs against the real server; no worker needed.
 */
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TaskStatus } from "../../src/gen/taskyard/v1/task_pb.js";
import { startTestApp, type TestApp } from "../helpers/app.js";
import { errorOf } from "../helpers/rpc.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ worker: false });
});
afterAll(async () => {
  await app?.stop();
});

describe("INVALID_ARGUMENT over gRPC", () => {
  const cases: Array<[string, () => Promise<unknown>, RegExp]> = [
    ["missing task", () => app.grpc.createTask({}), /^task: is required/],
    ["missing type", () => app.grpc.createTask({ task: { name: "x" } }), /^task\.type: is required/],
    ["unknown type", () => app.grpc.createTask({ task: { type: "video.nope" } }), /^task\.type: unknown task type "video\.nope": no worker has registered it/],
    ["priority out of range", () => app.grpc.createTask({ task: { type: "demo.sleep", priority: 101 } }), /^task\.priority: must be between 0 and 100/],
    ["unknown queue", () => app.grpc.createTask({ task: { type: "demo.sleep", queue: "nope" } }), /^task\.queue: queue "nope" does not exist/],
    ["bad label key", () => app.grpc.createTask({ task: { type: "demo.sleep", labels: { "a b": "1" } } }), /^task\.labels\.a b: label keys must match/],
    ["too many tags", () => app.grpc.createTask({ task: { type: "demo.sleep", tags: Array.from({ length: 51 }, (_, i) => `t${i}`) } }), /^task\.tags: at most 50 tags/],
    ["heartbeat timeout too short", () => app.grpc.createTask({ task: { type: "demo.sleep", timeouts: { heartbeat: { seconds: 0n, nanos: 5_000_000 } } } }), /^task\.timeouts\.heartbeat: /],
    ["page_size too big", () => app.grpc.listTasks({ pageSize: 501 }), /^page_size: must be between 0 and 500 \(got 501\)/],
    ["negative page_size", () => app.grpc.listTasks({ pageSize: -1 }), /^page_size: /],
    ["negative skip", () => app.grpc.listTasks({ skip: -1 }), /^skip: must be between 0 and 1000000 \(got -1\)/],
    ["skip with a page_token", () => app.grpc.listTasks({ skip: 5, pageToken: "abc" }), /^skip: only on a first request/],
    ["too many label_keys", () => app.grpc.getTaskFilterOptions({ labelKeys: Array.from({ length: 11 }, (_, i) => `k${i}`) }), /^label_keys: at most 10 label keys \(got 11\)/],
    ["unknown status number", () => app.grpc.listTasks({ statuses: [42 as TaskStatus] }), /^statuses\[0\]: unknown task status 42/],
    ["garbage page_token", () => app.grpc.listTasks({ pageToken: "not-a-token" }), /^page_token: invalid page token/],
    ["bad filter", () => app.grpc.listTasks({ filter: "status = RUNNING AND (" }), /^filter: /],
    ["filter on unknown field", () => app.grpc.listTasks({ filter: "secret = 1" }), /^filter: .*secret/],
    ["malformed id", () => app.grpc.getTask({ id: "1; DROP TABLE tasks" }), /^id: must be a task id/],
    ["empty id", () => app.grpc.cancelTask({ id: "" }), /^id: is required/],
  ];
  for (const [name, call, message] of cases) {
    it(`${name} → INVALID_ARGUMENT naming the field`, async () => {
      const err = await errorOf(call());
      expect(err.code).toBe(Code.InvalidArgument);
      expect(err.rawMessage).toMatch(message);
    });
  }
});

describe("INVALID_ARGUMENT over Connect JSON", () => {
  it("rejects a malformed JSON body with 400 invalid_argument", async () => {
    const res = await app.json("CreateTask", '{"task": {"type": "demo.sleep"');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("invalid_argument");
  });

  it("rejects an unknown status name, naming the enum and the value", async () => {
    // protobuf-es decodes JSON before our code runs; its message names the enum type and value.
    const res = await app.json("ListTasks", { statuses: ["TASK_STATUS_BOGUS"] });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("invalid_argument");
    expect(res.body.message).toMatch(/taskyard\.v1\.TaskStatus.*TASK_STATUS_BOGUS/);
  });

  it("rejects a misspelt field name, naming it", async () => {
    const res = await app.json("ListTasks", { pageSise: 10 });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/pageSise/);
  });

  it("rejects a wrongly typed field, naming it", async () => {
    const res = await app.json("ListTasks", { pageSize: "lots" });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/page_size|pageSize/);
  });

  it("rejects a missing type with the field path in the message", async () => {
    const res = await app.json("CreateTask", { task: { name: "no type" } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: "invalid_argument", message: "task.type: is required" });
  });

  it("never answers INTERNAL or leaks SQL for hostile input", async () => {
    const hostile = ["' OR 1=1 --", "\"; DROP TABLE tasks; --", "\u0000", "💥".repeat(300)];
    for (const value of hostile) {
      for (const [method, body] of [
        ["ListTasks", { project: value, type: value, filter: `name = "${value.replace(/"/g, '\\"')}"` }],
        ["GetTask", { id: value }],
        ["CreateTask", { task: { type: "demo.sleep", project: value, labels: { k: value } }, start: false, validateOnly: true }],
      ] as const) {
        const res = await app.json(method, body);
        expect([200, 400]).toContain(res.status);
        expect(JSON.stringify(res.body)).not.toMatch(/SQL|ER_|stack|at \w+ \(/);
      }
    }
  });
});
