import { create } from "@bufbuild/protobuf";
import { QueueProjectShareSchema } from "@gen/taskyard/v1/queue_service_pb.js";
import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fairnessRows } from "../../lib/queue-stats";
import { FairnessTable } from "./FairnessTable";
import { FairnessView } from "./FairnessView";

const share = (project: string, running: number, queued: number) => create(QueueProjectShareSchema, { project, running: BigInt(running), queued: BigInt(queued) });

describe("FairnessTable", () => {
  it("shows per project the slots held, their share and the tasks waiting, in the server's order", () => {
    render(<FairnessTable queue="gpu" rows={fairnessRows([share("vision", 3, 1), share("nlp", 1, 6), share("", 0, 2)])} />);
    const table = screen.getByRole("table", { name: "Projects of queue gpu: slots held and tasks waiting" });
    expect(within(table).getAllByRole("columnheader").map((h) => h.textContent)).toEqual(["Project", "Running (slots held)", "Share of slots", "Queued (waiting)"]);
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((r) => within(r).getAllByRole("cell").map((c) => c.textContent))).toEqual([
      ["3", "75 %", "1"],
      ["1", "25 %", "6"],
      ["0", "0 %", "2"],
    ]);
    expect(rows.map((r) => within(r).getByRole("rowheader").textContent)).toEqual(["vision", "nlp", "(no project)"]);
  });

  it("shows 0 % everywhere when nothing runs", () => {
    render(<FairnessTable queue="q" rows={fairnessRows([share("a", 0, 4)])} />);
    expect(screen.getByRole("cell", { name: "0 %" })).toBeInTheDocument();
  });
});

describe("FairnessView", () => {
  it("says so when no task runs or waits (an empty projects array)", () => {
    render(<FairnessView queue="q" projects={[]} />);
    expect(screen.getByText("No task of this queue is running or waiting.")).toBeInTheDocument();
    expect(screen.queryByRole("table")).toBeNull();
  });
});
