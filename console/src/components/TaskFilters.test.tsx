import { fireEvent, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { FacetCounts } from "../hooks/useFacets";
import type { TaskSearch } from "../lib/task-search";
import { TaskFilters } from "./TaskFilters";

const facets: FacetCounts = {
  status: new Map([["FAILED", 2], ["RUNNING", 3]]),
  type: new Map([["demo.sleep", 3], ["demo.fail", 2]]),
  project: new Map([["video", 5]]),
  queue: new Map([["default", 5]]),
  creator: new Map([["alice", 5]]),
  tag: new Map([["gpu", 1]]),
};

function setup(search: TaskSearch = { project: "video", cursor: "c2", prev: ["c1"] }) {
  const onChange = vi.fn<(next: TaskSearch) => void>();
  render(<TaskFilters search={search} facets={facets} onChange={onChange} />);
  return { onChange, user: userEvent.setup() };
}

describe("TaskFilters", () => {
  it("shows facet counts beside the statuses and writes a chosen status, back on the first page", async () => {
    const { onChange, user } = setup();
    expect(screen.getByRole("checkbox", { name: "RUNNING (3)" })).not.toBeChecked();
    expect(screen.getByRole("checkbox", { name: "PENDING (0)" })).toBeInTheDocument();
    await user.click(screen.getByRole("checkbox", { name: "FAILED (2)" }));
    expect(onChange).toHaveBeenLastCalledWith({ project: "video", status: ["FAILED"] });
  });

  it("offers known values with their counts and writes the one picked", async () => {
    const { onChange, user } = setup();
    await user.click(screen.getByRole("combobox", { name: "Type" }));
    const listbox = screen.getByRole("listbox");
    expect(within(listbox).getAllByRole("option").map((o) => o.textContent)).toEqual(["demo.sleep (3)", "demo.fail (2)"]);
    await user.click(within(listbox).getByRole("option", { name: "demo.fail (2)" }));
    expect(onChange).toHaveBeenLastCalledWith({ project: "video", type: "demo.fail" });
  });

  it("takes a typed value, and clears one", async () => {
    const { onChange, user } = setup();
    await user.type(screen.getByRole("combobox", { name: "Queue" }), "gpu{Enter}");
    expect(onChange).toHaveBeenLastCalledWith({ project: "video", queue: "gpu" });
    const project = screen.getByRole("combobox", { name: "Project" });
    await user.click(project);
    // MUI shows the clear button on hover or focus by CSS, which jsdom does not apply (it stays nameless there).
    await user.click(within(project.parentElement!).getByTitle("Clear"));
    expect(onChange).toHaveBeenLastCalledWith({});
  });

  it("writes the free text on Enter", async () => {
    const { onChange, user } = setup({});
    await user.type(screen.getByRole("searchbox", { name: "Search text" }), "thumb{Enter}");
    expect(onChange).toHaveBeenLastCalledWith({ q: "thumb" });
  });

  it("adds included and excluded tags, and key=value labels only", async () => {
    const { onChange, user } = setup({ tag: ["gpu"] });
    await user.type(screen.getByRole("combobox", { name: "Tags" }), "-old{Enter}");
    expect(onChange).toHaveBeenLastCalledWith({ tag: ["gpu", "-old"] });
    await user.type(screen.getByRole("combobox", { name: "Labels" }), "nokey{Enter}");
    expect(onChange).toHaveBeenLastCalledWith({ tag: ["gpu"] });
    await user.type(screen.getByRole("combobox", { name: "Labels" }), "asset=a1{Enter}");
    expect(onChange).toHaveBeenLastCalledWith({ tag: ["gpu"], label: ["asset=a1"] });
  });

  it("writes time ranges as ISO instants and the archived switch", async () => {
    const { onChange, user } = setup({});
    fireEvent.change(screen.getByLabelText("Started from"), { target: { value: "2026-11-01T09:30" } });
    expect(onChange).toHaveBeenLastCalledWith({ startedFrom: new Date(2026, 10, 1, 9, 30).toISOString() });
    await user.click(screen.getByRole("switch", { name: "Include archived" }));
    expect(onChange).toHaveBeenLastCalledWith({ archived: true });
  });

  it("applies an AIP-160 filter and shows its help", async () => {
    const { onChange, user } = setup({});
    const help = screen.getByRole("button", { name: "Filter help" });
    expect(help).toHaveAttribute("aria-expanded", "false");
    await user.click(help);
    expect(screen.getByRole("button", { name: "Hide filter help" })).toHaveAttribute("aria-expanded", "true");
    expect(screen.getByRole("table", { name: "Filter fields" })).toHaveTextContent("labels.<key>");
    await user.type(screen.getByRole("textbox", { name: "AIP-160 filter" }), "priority >= 75");
    await user.click(screen.getByRole("button", { name: "Apply filter" }));
    expect(onChange).toHaveBeenLastCalledWith({ filter: "priority >= 75" });
  });
});
