import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { createRouterTransport } from "@connectrpc/connect";
import { TransportProvider } from "@connectrpc/connect-query";
import { Position, QueueEntrySchema, QueueService, type MoveTaskRequest, type QueueEntry } from "@gen/taskyard/v1/queue_service_pb.js";
import { TaskSchema } from "@gen/taskyard/v1/task_pb.js";
import { TaskService } from "@gen/taskyard/v1/task_service_pb.js";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createMemoryHistory, createRootRoute, createRouter, RouterProvider } from "@tanstack/react-router";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeAll, describe, expect, it } from "vitest";
import { QueueEntries } from "./QueueEntries";

/** A fake QueueService over createRouterTransport: entries in `order`, MoveTask applied to it. */
function fakeQueue(names: string[]) {
  let order: QueueEntry[] = names.map((n, i) => create(QueueEntrySchema, { taskId: `id-${n}`, taskName: n, taskType: "demo.sleep", priority: 50, position: i, enqueueTime: timestampNow() }));
  const moves: MoveTaskRequest[] = [];
  const transport = createRouterTransport(({ service }) => {
    service(QueueService, {
      listQueueEntries: () => ({ entries: order.map((e, i) => ({ ...e, position: i })) }),
      moveTask: (req) => {
        moves.push(req);
        const moving = order.find((e) => e.taskId === req.taskId)!;
        const rest = order.filter((e) => e !== moving);
        const at = req.position === Position.BEFORE ? rest.findIndex((e) => e.taskId === req.beforeTaskId) : req.position === Position.FRONT ? 0 : rest.length;
        order = [...rest.slice(0, at), moving, ...rest.slice(at)];
        return { position: at };
      },
    });
    service(TaskService, {
      batchGetTasks: (req) => ({ tasks: req.ids.map((id) => create(TaskSchema, { id, project: `project-of-${id}` })) }),
    });
  });
  return { transport, moves, order: () => order.map((e) => e.taskName) };
}

function renderEntries(transport: ReturnType<typeof createRouterTransport>, fairnessKey = "project") {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const rootRoute = createRootRoute({ component: () => <QueueEntries queue="q1" fairnessKey={fairnessKey} /> });
  const router = createRouter({ routeTree: rootRoute, history: createMemoryHistory() });
  render(
    <TransportProvider transport={transport}>
      <QueryClientProvider client={client}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </TransportProvider>,
  );
}

// The router restores scroll positions; jsdom has no scrolling.
beforeAll(() => {
  window.scrollTo = () => undefined;
});

const taskNames = () => within(screen.getByRole("table")).getAllByRole("rowheader").map((h) => h.textContent);

describe("QueueEntries", () => {
  it("lists the entries in dispatch order with position, link, priority and fairness value", async () => {
    const fake = fakeQueue(["a", "b"]);
    renderEntries(fake.transport);
    const table = await screen.findByRole("table", { name: "Entries of queue q1 in dispatch order" });
    expect(within(table).getByRole("columnheader", { name: "Fairness (project)" })).toBeInTheDocument();
    expect(await within(table).findByText("project-of-id-b")).toBeInTheDocument();
    const link = within(table).getByRole("link", { name: "b" });
    expect(link).toHaveAttribute("href", "/tasks/id-b");
    expect(within(table).getAllByRole("button", { name: "Drag to reorder" })).toHaveLength(2);
  });

  it("moves a task up with the Move up button: MoveTask BEFORE the one above, then the server's order", async () => {
    const fake = fakeQueue(["a", "b", "c"]);
    renderEntries(fake.transport);
    await screen.findByRole("table");
    const rows = within(screen.getByRole("table")).getAllByRole("row").slice(1);
    // The first row cannot move up; the last cannot move down.
    expect(within(rows[0]!).getByRole("button", { name: "Move up" })).toBeDisabled();
    expect(within(rows[2]!).getByRole("button", { name: "Move down" })).toBeDisabled();

    await userEvent.click(within(rows[2]!).getByRole("button", { name: "Move up" }));
    expect(await screen.findByText("Moved c to position 2.")).toHaveAttribute("role", "status");
    expect(fake.moves).toEqual([expect.objectContaining({ name: "q1", taskId: "id-c", position: Position.BEFORE, beforeTaskId: "id-b" })]);
    expect(taskNames()).toEqual(["a", "c", "b"]);
  });

  it("moves a task to the top of its band with Move to top (POSITION_FRONT)", async () => {
    const fake = fakeQueue(["a", "b", "c"]);
    renderEntries(fake.transport, "");
    await screen.findByRole("table");
    const last = within(screen.getByRole("table")).getAllByRole("row").at(-1)!;
    await userEvent.click(within(last).getByRole("button", { name: "Move to top" }));
    expect(await screen.findByText("Moved c to position 1.")).toBeInTheDocument();
    expect(fake.moves[0]).toMatchObject({ taskId: "id-c", position: Position.FRONT });
    expect(taskNames()).toEqual(["c", "a", "b"]);
    expect(fake.order()).toEqual(["c", "a", "b"]);
  });
});
