import { describe, expect, it } from "vitest";
import { taskSearchAttributes, taskUserMetadata } from "../../src/infra/temporal/workflow-gateway.js";
import type { Task } from "../../src/tasks/types.js";

const task = { id: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", type: "video.transcode", project: "films" } as Task;

describe("what a task's workflow carries to Temporal", () => {
  it("sets only the search attributes the namespace has", () => {
    const names = (available: boolean | ReadonlySet<string>) => taskSearchAttributes(task, available).map((p) => [p.key.name, p.value]);
    expect(names(true)).toEqual([
      ["TaskyardType", "video.transcode"],
      ["TaskyardProject", "films"],
      ["TaskyardTaskId", task.id],
    ]);
    // A namespace registered before TaskyardTaskId existed, where it could not be added: the other two still go.
    expect(names(new Set(["TaskyardType", "TaskyardProject"]))).toEqual([
      ["TaskyardType", "video.transcode"],
      ["TaskyardProject", "films"],
    ]);
    expect(names(false)).toEqual([]);
  });

  it("summarises the task, and links to it only when the console's URL is known", () => {
    expect(taskUserMetadata(task, "https://taskyard.example.com/console")).toEqual({
      staticSummary: `video.transcode task ${task.id}`,
      staticDetails: `[Open in Taskyard console](https://taskyard.example.com/console/tasks/${task.id})`,
    });
    expect(taskUserMetadata(task, undefined)).toEqual({ staticSummary: `video.transcode task ${task.id}` });
  });
});
