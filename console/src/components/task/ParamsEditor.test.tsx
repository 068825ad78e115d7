import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { ParsedParams } from "../../lib/task-params";
import { ParamsEditor } from "./ParamsEditor";

const SLEEP_SCHEMA = {
  type: "object",
  properties: { steps: { type: "integer", minimum: 1, maximum: 1000, description: "steps (default 10)" }, step_ms: { type: "integer", minimum: 0 } },
};

describe("ParamsEditor", () => {
  it("generates a form from a schema with fields, prefilled with the params, and reports edits", async () => {
    const user = userEvent.setup();
    const onChange = vi.fn<(p: ParsedParams) => void>();
    render(<ParamsEditor schema={SLEEP_SCHEMA} initial={{ steps: 3, step_ms: 10 }} onChange={onChange} onSubmit={() => {}} />);
    const steps = screen.getByRole("spinbutton", { name: "steps" });
    expect(steps).toHaveValue(3);
    expect(screen.queryByRole("textbox", { name: "Parameters (JSON)" })).toBeNull();
    await user.clear(steps);
    await user.type(steps, "7");
    await waitFor(() => expect(onChange).toHaveBeenLastCalledWith({ params: { steps: 7, step_ms: 10 } }));
  });

  it("reports schema violations as errors", async () => {
    const user = userEvent.setup();
    const onChange = vi.fn<(p: ParsedParams) => void>();
    render(<ParamsEditor schema={SLEEP_SCHEMA} initial={{ steps: 3 }} onChange={onChange} onSubmit={() => {}} />);
    const steps = screen.getByRole("spinbutton", { name: "steps" });
    await user.clear(steps);
    await user.type(steps, "5000");
    await waitFor(() => expect(onChange.mock.lastCall?.[0].error).toMatch(/1000/));
  });

  it("edits JSON when the schema describes no fields, saying why text does not parse", async () => {
    const user = userEvent.setup();
    const onChange = vi.fn<(p: ParsedParams) => void>();
    render(<ParamsEditor schema={{ type: "object" }} initial={{ a: 1 }} onChange={onChange} onSubmit={() => {}} />);
    const box = screen.getByRole("textbox", { name: "Parameters (JSON)" });
    expect(box).toHaveValue('{\n  "a": 1\n}');
    expect(screen.queryByRole("spinbutton")).toBeNull();
    await user.clear(box);
    await user.type(box, "[[1]");
    expect(onChange).toHaveBeenLastCalledWith({ error: "params must be a JSON object ({ … })" });
    expect(screen.getByText("params must be a JSON object ({ … })")).toBeInTheDocument();
    await user.clear(box);
    await user.type(box, '{{"b": true}');
    expect(onChange).toHaveBeenLastCalledWith({ params: { b: true } });
  });

  it("edits JSON without a schema, and switches a schema form to JSON keeping the edits", async () => {
    const user = userEvent.setup();
    render(<ParamsEditor schema={undefined} initial={{}} onChange={() => {}} onSubmit={() => {}} />);
    expect(screen.getByRole("textbox", { name: "Parameters (JSON)" })).toHaveValue("{}");

    const onChange = vi.fn<(p: ParsedParams) => void>();
    render(<ParamsEditor schema={SLEEP_SCHEMA} initial={{ steps: 3 }} onChange={onChange} onSubmit={() => {}} />);
    const steps = screen.getByRole("spinbutton", { name: "steps" });
    await user.clear(steps);
    await user.type(steps, "4");
    await user.click(screen.getByRole("switch", { name: "Edit as JSON" }));
    expect(screen.getAllByRole("textbox", { name: "Parameters (JSON)" })[1]).toHaveValue('{\n  "steps": 4\n}');
  });
});
