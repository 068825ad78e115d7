import { create } from "@bufbuild/protobuf";
import { TaskSchema, TaskStatus } from "@gen/taskyard/v1/task_pb.js";
import { WatchTasksResponseSchema } from "@gen/taskyard/v1/task_service_pb.js";
import { describe, expect, it } from "vitest";
import { applyWatchResponse, type TaskPage } from "./watch-page";

const task = (id: string, status = TaskStatus.QUEUED, current = 0) => create(TaskSchema, { id, name: id, status, progress: { current: BigInt(current), total: 10n } });
const msg = (m: Parameters<typeof create<typeof WatchTasksResponseSchema>>[1]) => create(WatchTasksResponseSchema, m);
const ids = (p: TaskPage) => p.tasks.map((t) => t.id);

describe("applyWatchResponse", () => {
  const snapshot = applyWatchResponse(undefined, msg({ snapshot: true, tasks: [task("a"), task("b"), task("c")], ids: ["a", "b", "c"], totalSize: 7, nextPageToken: "n1" }));

  it("takes a snapshot whole", () => {
    expect(ids(snapshot)).toEqual(["a", "b", "c"]);
    expect([snapshot.totalSize, snapshot.nextPageToken]).toEqual([7, "n1"]);
  });

  it("upserts changed tasks and keeps the others as they were", () => {
    const next = applyWatchResponse(snapshot, msg({ tasks: [task("b", TaskStatus.RUNNING, 4)], ids: ["a", "b", "c"], totalSize: 7, nextPageToken: "n1" }));
    expect(next.tasks[1]!.status).toBe(TaskStatus.RUNNING);
    expect(next.tasks[1]!.progress?.current).toBe(4n);
    expect(next.tasks[0]).toBe(snapshot.tasks[0]);
  });

  it("drops removed ids, adds entering tasks, and follows the new order and total", () => {
    const next = applyWatchResponse(snapshot, msg({ tasks: [task("d")], removedIds: ["b"], ids: ["d", "a", "c"], totalSize: 8, nextPageToken: "n2" }));
    expect(ids(next)).toEqual(["d", "a", "c"]);
    expect([next.totalSize, next.nextPageToken]).toEqual([8, "n2"]);
  });

  it("empties the page when the ids say so", () => {
    expect(ids(applyWatchResponse(snapshot, msg({ removedIds: ["a", "b", "c"], ids: [], totalSize: 0 })))).toEqual([]);
  });

  it("replaces the page on a new snapshot (after a reconnect)", () => {
    const next = applyWatchResponse(snapshot, msg({ snapshot: true, tasks: [task("z")], ids: ["z"], totalSize: 1 }));
    expect(ids(next)).toEqual(["z"]);
  });
});
