import { create } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { screen, within } from "@testing-library/react";
import { beforeAll, describe, expect, it } from "vitest";
import { TaskStatus } from "@gen/taskyard/v1/task_pb.js";
import { TaskWaitExplanationSchema } from "@gen/taskyard/v1/task_service_pb.js";
import { renderInRouter } from "./test-router";
import { WaitExplanationView } from "./WaitExplanationView";

beforeAll(() => {
  window.scrollTo = () => {};
});

const explanation = create(TaskWaitExplanationSchema, {
  taskId: "t-waiting",
  status: TaskStatus.QUEUED,
  waiting: true,
  summary: '1 task holds all 1 slots of queue "gpu"; 2nd of 3 at priority 50',
  queue: "gpu",
  position: 1n,
  aheadInBand: 1n,
  aheadHigherPriority: 0n,
  estimatedWait: durationFromMs(125_000),
  startedPerMinute: 0.5,
  reasons: [
    { kind: "CONCURRENCY_LIMIT", message: 'queue "gpu" allows 1 running task; 1 holds its slot', taskIds: ["t-holder"], facts: { limit: "1", running: "1" } },
    { kind: "BEHIND_IN_BAND", message: "1 task of priority 50 dispatches before it", taskIds: ["t-ahead"], facts: { ahead: "1" } },
    { kind: "SOMETHING_NEW", message: "a reason this console does not know", taskIds: [], facts: {} },
  ],
});

describe("WaitExplanationView", () => {
  it("shows the summary, each reason with its title, facts and task links, and the estimate", async () => {
    renderInRouter(<WaitExplanationView explanation={explanation} />);
    expect(await screen.findByText(explanation.summary)).toBeInTheDocument();
    const reasons = within(screen.getByRole("list", { name: "Reasons it waits, most decisive first" })).getAllByRole("listitem");
    expect(reasons.map((r) => within(r).getByRole("heading", { level: 3 }).textContent)).toEqual([
      "Concurrency limit held",
      "Behind tasks of the same priority",
      "Something new",
    ]);
    expect(reasons[0]).toHaveTextContent("limit: 1 · running: 1");
    expect(within(reasons[0]!).getByRole("link", { name: "t-holder" })).toHaveAttribute("href", "/tasks/t-holder");
    expect(within(reasons[1]!).getByRole("link", { name: "t-ahead" })).toBeInTheDocument();
    expect(within(reasons[2]!).queryByRole("link")).toBeNull();

    const facts = screen.getAllByRole("term").map((t) => `${t.textContent}=${t.nextElementSibling?.textContent}`);
    expect(facts).toEqual([
      "Queue=gpu",
      "Position=2nd in dispatch order (1 ahead)",
      "Ahead in its priority band=1",
      "Ahead at higher priority=0",
      "Estimated wait=about 2 min 5 s",
      "Started per minute (last 15 min)=0.50",
    ]);
  });

  it("says when there is no estimate and no queue entry", async () => {
    const x = create(TaskWaitExplanationSchema, { ...explanation, position: undefined, estimatedWait: undefined, reasons: [] });
    renderInRouter(<WaitExplanationView explanation={x} />);
    expect(await screen.findByText("not in its queue's entries")).toBeInTheDocument();
    expect(screen.getByText(/^no estimate/)).toBeInTheDocument();
    expect(screen.queryByRole("list")).toBeNull();
  });

  it("says a task that is not waiting is not", async () => {
    renderInRouter(<WaitExplanationView explanation={create(TaskWaitExplanationSchema, { status: TaskStatus.RUNNING, waiting: false })} />);
    expect(await screen.findByText("It is not waiting to start.")).toBeInTheDocument();
  });
});
