import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createRouterTransport } from "@connectrpc/connect";
import { TransportProvider } from "@connectrpc/connect-query";
import { QueueSchema, QueueService, type Queue, type UpdateQueueRequest } from "@gen/taskyard/v1/queue_service_pb.js";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { EditLimitsDialog } from "./EditLimitsDialog";

const queue = create(QueueSchema, { name: "gpu", concurrencyLimit: 2 });

function renderDialog(updateQueue: (req: UpdateQueueRequest) => Queue, onClose = vi.fn()) {
  const transport = createRouterTransport(({ service }) => service(QueueService, { updateQueue }));
  render(
    <TransportProvider transport={transport}>
      <QueryClientProvider client={new QueryClient()}>
        <EditLimitsDialog queue={queue} open onClose={onClose} />
      </QueryClientProvider>
    </TransportProvider>,
  );
  return onClose;
}

describe("EditLimitsDialog", () => {
  it("sends UpdateQueue with a mask of the changed fields and closes", async () => {
    const seen: UpdateQueueRequest[] = [];
    const onClose = renderDialog((req) => {
      seen.push(req);
      return req.queue!;
    });
    const limit = screen.getByRole("spinbutton", { name: "Concurrency limit" });
    await userEvent.clear(limit);
    await userEvent.type(limit, "4");
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    await vi.waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(seen[0]?.updateMask?.paths).toEqual(["concurrency_limit"]);
    expect(seen[0]?.queue).toMatchObject({ name: "gpu", concurrencyLimit: 4 });
  });

  it("shows PERMISSION_DENIED in words and stays open", async () => {
    const onClose = renderDialog(() => {
      throw new ConnectError('UpdateQueue needs role "admin"; the caller has "member"', Code.PermissionDenied);
    });
    await userEvent.type(screen.getByRole("spinbutton", { name: "Burst" }), "3");
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The limits were not changed");
    expect(alert).toHaveTextContent('PERMISSION_DENIED: UpdateQueue needs role "admin"');
    expect(onClose).not.toHaveBeenCalled();
  });

  it("refuses a negative limit before asking the server", async () => {
    const update = vi.fn(() => queue);
    renderDialog(update);
    const limit = screen.getByRole("spinbutton", { name: "Concurrency limit" });
    await userEvent.clear(limit);
    await userEvent.type(limit, "-1");
    expect(screen.getByText("a whole number, 0 or more")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Save" })).toBeDisabled();
    expect(update).not.toHaveBeenCalled();
  });
});
