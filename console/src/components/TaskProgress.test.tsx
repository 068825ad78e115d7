import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { TaskSchema, TaskStatus } from "@gen/taskyard/v1/task_pb.js";
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { TaskProgress } from "./TaskProgress";

const start = new Date("2026-01-01T00:00:00Z");

describe("TaskProgress", () => {
  it("shows a named determinate bar, current/total, the message and an ETA while running", () => {
    const task = create(TaskSchema, { name: "thumbs", status: TaskStatus.RUNNING, startTime: timestampFromDate(start), progress: { current: 3n, total: 10n, message: "step 3 of 10" } });
    render(<TaskProgress task={task} now={new Date(start.getTime() + 30_000)} />);
    const bar = screen.getByRole("progressbar", { name: "Progress of thumbs" });
    expect(bar).toHaveAttribute("aria-valuenow", "30");
    expect(screen.getByText("3/10 · step 3 of 10 · ETA 1 min 10 s")).toBeInTheDocument();
  });

  it("shows a finished task's bar without an ETA", () => {
    const task = create(TaskSchema, { type: "demo.sleep", status: TaskStatus.COMPLETED, progress: { current: 10n, total: 10n } });
    render(<TaskProgress task={task} />);
    expect(screen.getByRole("progressbar", { name: "Progress of demo.sleep" })).toHaveAttribute("aria-valuenow", "100");
    expect(screen.getByText("10/10")).toBeInTheDocument();
  });

  it("shows no bar before any progress", () => {
    render(<TaskProgress task={create(TaskSchema, { name: "x", status: TaskStatus.QUEUED })} />);
    expect(screen.queryByRole("progressbar")).toBeNull();
  });
});
