import { createRouterTransport } from "@connectrpc/connect";
import { TransportProvider } from "@connectrpc/connect-query";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { TaskStatus } from "@gen/taskyard/v1/task_pb.js";
import { SavedViewService, type CreateSavedViewRequest, type UpdateSavedViewRequest } from "@gen/taskyard/v1/saved_view_service_pb.js";
import type { TaskSearch } from "../lib/task-search";
import { SavedViews } from "./SavedViews";

function fakeViews() {
  const calls = { create: [] as CreateSavedViewRequest[], update: [] as UpdateSavedViewRequest[], deleted: [] as string[] };
  const views = [
    { id: "v1", name: "Failures", shared: true, editable: false, query: { project: "video", statuses: [TaskStatus.FAILED], pageSize: 50 } },
    { id: "v2", name: "Mine", shared: false, editable: true, query: { type: "demo.sleep", pageSize: 25 } },
  ];
  const transport = createRouterTransport(({ service }) =>
    service(SavedViewService, {
      listSavedViews: () => ({ views }),
      createSavedView(req) {
        calls.create.push(req);
        const { $typeName: _t, ...view } = req.view!;
        return { ...view, id: "v3", editable: true };
      },
      updateSavedView(req) {
        calls.update.push(req);
        return req.view!;
      },
      deleteSavedView(req) {
        calls.deleted.push(req.id);
        return {};
      },
    }),
  );
  return { calls, transport };
}

function setup(search: TaskSearch) {
  const { calls, transport } = fakeViews();
  const onChange = vi.fn<(next: TaskSearch) => void>();
  render(
    <TransportProvider transport={transport}>
      <QueryClientProvider client={new QueryClient()}>
        <SavedViews search={search} onChange={onChange} />
      </QueryClientProvider>
    </TransportProvider>,
  );
  return { calls, onChange, user: userEvent.setup() };
}

describe("SavedViews", () => {
  it("lists personal and shared views, marking shared ones, and opens a view's query", async () => {
    const { onChange, user } = setup({});
    await user.click(screen.getByRole("combobox", { name: "Saved view" }));
    const options = await screen.findAllByRole("option");
    expect(options.map((o) => o.textContent)).toEqual(["Failures (shared)", "Mine"]);
    await user.click(screen.getByRole("option", { name: "Failures (shared)" }));
    expect(onChange).toHaveBeenLastCalledWith({ project: "video", status: ["FAILED"], size: 50, view: "v1" });
  });

  it("saves the current filters as a shared view", async () => {
    const { calls, onChange, user } = setup({ project: "video", q: "thumb", cursor: "c2" });
    await user.click(screen.getByRole("button", { name: "Save view" }));
    const dialog = screen.getByRole("dialog", { name: "Save view" });
    await user.type(within(dialog).getByRole("textbox", { name: "Name" }), "Thumbs");
    await user.click(within(dialog).getByRole("switch", { name: "Share with my team" }));
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(onChange).toHaveBeenCalled());
    const saved = calls.create[0]!.view!;
    expect([saved.name, saved.shared, saved.query?.project, saved.query?.search, saved.query?.pageToken]).toEqual(["Thumbs", true, "video", "thumb", ""]);
    expect(onChange).toHaveBeenLastCalledWith({ project: "video", q: "thumb", view: "v3" });
  });

  it("offers update, edit and delete only for an editable view, and says when it was modified", async () => {
    const { calls, onChange, user } = setup({ type: "demo.sleep", project: "changed", view: "v2" });
    expect(await screen.findByText("modified")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Update view" }));
    await waitFor(() => expect(calls.update).toHaveLength(1));
    expect(calls.update[0]!.updateMask?.paths).toEqual(["query"]);
    expect(calls.update[0]!.view?.query?.project).toBe("changed");

    await user.click(screen.getByRole("button", { name: "Delete view" }));
    await user.click(within(screen.getByRole("dialog", { name: "Delete view “Mine”?" })).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(calls.deleted).toEqual(["v2"]));
    expect(onChange).toHaveBeenLastCalledWith({ type: "demo.sleep", project: "changed" });
  });

  it("offers no changes to a view the caller may not edit", async () => {
    setup({ project: "video", status: ["FAILED"], size: 50, view: "v1" });
    await screen.findByRole("combobox", { name: "Saved view" });
    await waitFor(() => expect(screen.getByRole("combobox", { name: "Saved view" })).toHaveTextContent("Failures (shared)"));
    expect(screen.queryByText("modified")).toBeNull();
    expect(screen.queryByRole("button", { name: /Update view|Edit view|Delete view/ })).toBeNull();
  });
});
