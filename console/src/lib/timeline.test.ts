import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { TaskEventSchema, TaskSchema, TaskStatus as S } from "@gen/taskyard/v1/task_pb.js";
import { buildTimeline } from "./timeline";

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

function ev(sequence: number, from: S, to: S, reason: string, attempt = 1, extra: { actor?: string; message?: string } = {}) {
  return create(TaskEventSchema, {
    sequence: BigInt(sequence),
    taskId: "t1",
    time: timestampFromMs(T0 + sequence * 1000),
    fromStatus: from,
    toStatus: to,
    reason,
    attempt,
    actor: extra.actor ?? "system:dispatcher",
    message: extra.message ?? "",
  });
}

const summary = (groups: ReturnType<typeof buildTimeline>) =>
  groups.map((g) => ({ attempt: g.attempt, startedBy: g.startedBy, entries: g.entries.map((e) => `${e.kind}: ${e.title} [${e.reason}]`) }));

describe("buildTimeline", () => {
  it("groups by attempt, marks automatic retries, the retry that began an attempt and the abort", () => {
    const events = [
      ev(1, S.UNSPECIFIED, S.QUEUED, "CREATED", 1, { actor: "alice" }),
      ev(2, S.QUEUED, S.QUEUED, "DISPATCHED"),
      ev(3, S.QUEUED, S.RUNNING, "STARTED"),
      ev(4, S.RUNNING, S.RUNNING, "AUTO_RETRY", 1, { message: "automatic retry: try 2 of 3" }),
      ev(5, S.RUNNING, S.FAILED, "HANDLER_ERROR"),
      ev(6, S.FAILED, S.QUEUED, "USER_RETRY", 2, { actor: "bob" }),
      ev(7, S.QUEUED, S.RUNNING, "STARTED", 2),
      ev(8, S.RUNNING, S.CANCELLING, "USER_ABORT", 2, { actor: "bob", message: "wrong input" }),
      ev(9, S.CANCELLING, S.CANCELLED, "USER_ABORT", 2),
    ];
    expect(summary(buildTimeline(events))).toEqual([
      {
        attempt: 1,
        startedBy: "",
        entries: [
          "created: Created as QUEUED [CREATED]",
          "status: QUEUED → QUEUED [DISPATCHED]",
          "status: QUEUED → RUNNING [STARTED]",
          "auto-retry: Automatic retry (RUNNING) [AUTO_RETRY]",
          "status: RUNNING → FAILED [HANDLER_ERROR]",
        ],
      },
      {
        attempt: 2,
        startedBy: "USER_RETRY",
        entries: ["retry: FAILED → QUEUED [USER_RETRY]", "status: QUEUED → RUNNING [STARTED]", "abort: RUNNING → CANCELLING [USER_ABORT]", "abort: CANCELLING → CANCELLED [USER_ABORT]"],
      },
    ]);
    const abort = buildTimeline(events)[1]!.entries[2]!;
    expect(abort).toMatchObject({ actor: "bob", message: "wrong input", attempt: 2, time: new Date(T0 + 8000) });
  });

  it("sorts by sequence and drops duplicates (pages fetched again)", () => {
    const a = ev(1, S.UNSPECIFIED, S.PENDING, "CREATED");
    const b = ev(2, S.PENDING, S.QUEUED, "USER_ENQUEUE");
    expect(summary(buildTimeline([b, a, b]))[0]!.entries).toEqual(["created: Created as PENDING [CREATED]", "status: PENDING → QUEUED [USER_ENQUEUE]"]);
  });

  it("adds the progress of a running task as the latest entry", () => {
    const task = create(TaskSchema, {
      id: "t1",
      status: S.RUNNING,
      attempt: 1,
      progress: { current: 4n, total: 10n, percent: 40, message: "step 4 of 10" },
      lastHeartbeatTime: timestampFromMs(T0 + 60_000),
    });
    const groups = buildTimeline([ev(1, S.UNSPECIFIED, S.QUEUED, "CREATED"), ev(2, S.QUEUED, S.RUNNING, "STARTED")], task);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.entries.at(-1)).toMatchObject({ kind: "progress", title: "Progress 4/10 (40 %)", message: "step 4 of 10", time: new Date(T0 + 60_000) });
  });

  it("leaves progress out once the task is finished, and without any progress", () => {
    const events = [ev(1, S.UNSPECIFIED, S.QUEUED, "CREATED"), ev(2, S.QUEUED, S.RUNNING, "STARTED"), ev(3, S.RUNNING, S.COMPLETED, "COMPLETED")];
    const done = create(TaskSchema, { status: S.COMPLETED, attempt: 1, progress: { current: 10n, total: 10n } });
    expect(buildTimeline(events, done)[0]!.entries.map((e) => e.kind)).toEqual(["created", "status", "status"]);
    const fresh = create(TaskSchema, { status: S.RUNNING, attempt: 1, progress: { current: 0n, total: 0n } });
    expect(buildTimeline(events.slice(0, 2), fresh)[0]!.entries.map((e) => e.kind)).toEqual(["created", "status"]);
  });

  it("puts the progress of a new attempt in a group of its own when its events have not arrived yet", () => {
    const task = create(TaskSchema, { status: S.RUNNING, attempt: 2, progress: { current: 1n, total: 0n } });
    const groups = buildTimeline([ev(1, S.UNSPECIFIED, S.QUEUED, "CREATED")], task);
    expect(groups.map((g) => [g.attempt, g.entries.map((e) => e.title)])).toEqual([
      [1, ["Created as QUEUED"]],
      [2, ["Progress 1"]],
    ]);
  });

  it("is empty without events or a running task", () => {
    expect(buildTimeline([])).toEqual([]);
  });
});
