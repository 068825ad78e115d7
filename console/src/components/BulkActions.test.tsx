import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createRouterTransport } from "@connectrpc/connect";
import { TransportProvider } from "@connectrpc/connect-query";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createMemoryHistory, createRootRoute, createRouter, RouterProvider } from "@tanstack/react-router";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactNode } from "react";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { TaskStatus } from "@gen/taskyard/v1/task_pb.js";
import { ListTasksRequestSchema, TaskService, type BatchRetryTasksRequest, type BatchUpdateTaskTagsRequest } from "@gen/taskyard/v1/task_service_pb.js";
import { BulkActions } from "./BulkActions";

/** A TaskService with `n` matching tasks t1…tn; t2's retry is refused; records the batch calls. */
function fakeTaskService(n: number, options: { failWhole?: boolean } = {}) {
  const calls = { retry: [] as BatchRetryTasksRequest[], tags: [] as BatchUpdateTaskTagsRequest[], lists: 0 };
  const transport = createRouterTransport(({ service }) =>
    service(TaskService, {
      listTasks(req) {
        calls.lists++;
        const from = Number(req.pageToken || 0);
        const to = Math.min(n, from + (req.pageSize || 20));
        return { tasks: Array.from({ length: to - from }, (_, i) => ({ id: `t${from + i + 1}` })), totalSize: n, nextPageToken: to < n ? String(to) : "" };
      },
      listTaskTypes() {
        return { taskTypes: [{ type: "demo.items", retryItemsParam: "items" }, { type: "demo.sleep" }] };
      },
      batchRetryTasks(req) {
        calls.retry.push(req);
        if (options.failWhole) throw new ConnectError("ids: at most 1000 ids", Code.InvalidArgument);
        return {
          results: req.ids.map((id) =>
            id === "t2"
              ? { id, ok: false, errorCode: "FAILED_PRECONDITION", errorMessage: "task t2 is RUNNING: cannot retry" }
              : { id, ok: true, newTaskId: req.failedItemsOnly ? `new-${id}` : "" },
          ),
        };
      },
      batchUpdateTaskTags(req) {
        calls.tags.push(req);
        return { results: req.ids.map((id) => ({ id, ok: true })) };
      },
    }),
  );
  return { transport, calls };
}

function renderWithApi(ui: ReactNode, transport: ReturnType<typeof createRouterTransport>) {
  const router = createRouter({ routeTree: createRootRoute({ component: () => ui }), history: createMemoryHistory({ initialEntries: ["/"] }) });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <TransportProvider transport={transport}>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router as never} />
      </QueryClientProvider>
    </TransportProvider>,
  );
}

// The router restores scroll positions; jsdom has no scrolling.
beforeAll(() => {
  window.scrollTo = () => {};
});

const view = create(ListTasksRequestSchema, { project: "p1", statuses: [TaskStatus.FAILED], pageSize: 25 });

async function choose(user: ReturnType<typeof userEvent.setup>, scope: string, action: string) {
  await user.click(await screen.findByRole("radio", { name: scope }));
  await user.click(screen.getByRole("button", { name: "Bulk actions" }));
  await user.click(await screen.findByRole("menuitem", { name: action }));
  return screen.findByRole("dialog");
}

describe("BulkActions", () => {
  it("names its menu items after the actions", async () => {
    const user = userEvent.setup();
    renderWithApi(<BulkActions selectedIds={["t1"]} query={view} onDone={() => {}} />, fakeTaskService(0).transport);
    await user.click(await screen.findByRole("button", { name: "Bulk actions" }));
    const items = await screen.findAllByRole("menuitem");
    expect(items.map((i) => i.textContent)).toEqual(["Abort", "Retry", "Retry failed items", "Archive", "Tag", "Move", "Delete"]);
  });

  it("by query: shows the dry-run count before retrying, then each task's outcome and the summary", async () => {
    const user = userEvent.setup();
    const { transport, calls } = fakeTaskService(2);
    const onDone = vi.fn();
    renderWithApi(<BulkActions selectedIds={[]} query={view} onDone={onDone} />, transport);
    const dialog = await choose(user, "All matching the view", "Retry");
    expect(within(dialog).getByRole("heading", { name: "Retry: all matching the view" })).toBeInTheDocument();
    expect(await within(dialog).findByText("This will retry 2 tasks.")).toBeInTheDocument();
    expect(calls.retry).toHaveLength(0);

    await user.click(within(dialog).getByRole("button", { name: "Retry" }));
    const outcome = await screen.findByRole("dialog", { name: "Retry: outcome" });
    expect(calls.retry.map((r) => r.ids)).toEqual([["t1", "t2"]]);
    expect(within(outcome).getByRole("status")).toHaveTextContent("1 succeeded, 1 failed");
    const rows = within(outcome).getAllByRole("row").slice(1);
    expect(rows.map((r) => r.textContent)).toEqual(["t2FAILED_PRECONDITIONtask t2 is RUNNING: cannot retry", "t1OK"]);
    expect(onDone).toHaveBeenCalledOnce();
  });

  it("by query over 1,000 matches: says only the first 1,000 are touched, and touches 1,000", async () => {
    const user = userEvent.setup();
    const { transport, calls } = fakeTaskService(1234);
    renderWithApi(<BulkActions selectedIds={[]} query={view} onDone={() => {}} />, transport);
    const dialog = await choose(user, "All matching the view", "Retry");
    expect(await within(dialog).findByText("This will retry 1,234 tasks.")).toBeInTheDocument();
    expect(within(dialog).getByText(/Only the first 1,000 are touched/)).toBeInTheDocument();

    await user.click(within(dialog).getByRole("button", { name: "Retry" }));
    const outcome = await screen.findByRole("dialog", { name: "Retry: outcome" });
    expect(calls.retry.map((r) => r.ids.length)).toEqual([1000]);
    expect(within(outcome).getByRole("status")).toHaveTextContent("999 succeeded, 1 failed");
    expect(within(outcome).getByText(/1,234 tasks matched; only the first 1,000 were touched/)).toBeInTheDocument();
    // Failures first, the first 100 rows, then all on request.
    expect(within(outcome).getAllByRole("row")[1]).toHaveTextContent("t2FAILED_PRECONDITION");
    expect(within(outcome).getAllByRole("row")).toHaveLength(101);
    expect(within(outcome).getByRole("button", { name: "Show all 1,000 results" })).toBeInTheDocument();
  });

  it("selected: retries the failed items and links to the new tasks", async () => {
    const user = userEvent.setup();
    const { transport, calls } = fakeTaskService(0);
    renderWithApi(<BulkActions selectedIds={["t1", "t3"]} query={view} onDone={() => {}} />, transport);
    const dialog = await choose(user, "Selected (2)", "Retry failed items");
    expect(within(dialog).getByText("This will retry the failed items of the 2 tasks selected.")).toBeInTheDocument();
    expect(await within(dialog).findByText(/Types that support it: demo.items\./)).toBeInTheDocument();

    await user.click(within(dialog).getByRole("button", { name: "Retry failed items" }));
    const outcome = await screen.findByRole("dialog", { name: "Retry failed items: outcome" });
    expect(calls.retry[0]).toMatchObject({ ids: ["t1", "t3"], failedItemsOnly: true });
    expect(calls.lists).toBe(0);
    expect(within(outcome).getByRole("columnheader", { name: "New task" })).toBeInTheDocument();
    expect(within(outcome).getByRole("link", { name: "new-t3" })).toHaveAttribute("href", "/tasks/new-t3");
  });

  it("tags: asks for the tags, then sends those to add and remove", async () => {
    const user = userEvent.setup();
    const { transport, calls } = fakeTaskService(0);
    renderWithApi(<BulkActions selectedIds={["t1"]} query={view} onDone={() => {}} />, transport);
    const dialog = await choose(user, "Selected (1)", "Tag");
    const confirm = within(dialog).getByRole("button", { name: "Tag" });
    expect(confirm).toBeDisabled();
    await user.type(within(dialog).getByLabelText("Tags to add"), "urgent, nightly");
    await user.type(within(dialog).getByLabelText("Tags to remove"), "stale");
    await user.click(confirm);
    await screen.findByRole("dialog", { name: "Tag: outcome" });
    expect(calls.tags[0]).toMatchObject({ ids: ["t1"], addTags: ["urgent", "nightly"], removeTags: ["stale"] });
  });

  it("shows an error of the whole call in words and stays open", async () => {
    const user = userEvent.setup();
    const onDone = vi.fn();
    renderWithApi(<BulkActions selectedIds={["t1"]} query={view} onDone={onDone} />, fakeTaskService(0, { failWhole: true }).transport);
    const dialog = await choose(user, "Selected (1)", "Retry");
    await user.click(within(dialog).getByRole("button", { name: "Retry" }));
    const alert = await within(dialog).findByRole("alert");
    expect(alert).toHaveTextContent("INVALID_ARGUMENT");
    expect(alert).toHaveTextContent("field ids");
    await waitFor(() => expect(within(dialog).getByRole("button", { name: "Retry" })).toBeEnabled());
    expect(onDone).not.toHaveBeenCalled();
  });
});
