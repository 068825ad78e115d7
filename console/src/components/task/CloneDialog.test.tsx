import { create } from "@bufbuild/protobuf";
import { createRouterTransport } from "@connectrpc/connect";
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { TaskSchema, type Task } from "@gen/taskyard/v1/task_pb.js";
import { TaskService, type CloneTaskRequest } from "@gen/taskyard/v1/task_service_pb.js";
import { CloneDialog } from "./CloneDialog";
import { renderInRouter } from "./test-router";

beforeAll(() => {
  window.scrollTo = () => {};
});

function fakeApi() {
  const clones: CloneTaskRequest[] = [];
  const transport = createRouterTransport(({ service }) =>
    service(TaskService, {
      listTaskTypes: (req) =>
        req.pageToken === ""
          ? { taskTypes: [{ type: "demo.fail" }], nextPageToken: "2" }
          : { taskTypes: [{ type: "demo.sleep", paramsSchema: { type: "object", properties: { steps: { type: "integer", minimum: 1 } } } }, { type: "free.form" }] },
      cloneTask: (req) => {
        clones.push(req);
        return { id: "t-clone", name: req.overrides?.name ?? "", params: req.overrides?.params };
      },
    }),
  );
  return { transport, clones };
}

const source = create(TaskSchema, { id: "t-src", name: "nightly", type: "demo.sleep", params: { steps: 2, step_ms: 5 } });

describe("CloneDialog", () => {
  it("finds the type on a later page, edits params in the generated form and clones with them", async () => {
    const user = userEvent.setup();
    const { transport, clones } = fakeApi();
    const onCloned = vi.fn<(t: Task) => void>();
    renderInRouter(<CloneDialog task={source} onClose={() => {}} onCloned={onCloned} />, transport);
    const steps = await screen.findByRole("spinbutton", { name: "steps" });
    await user.clear(steps);
    await user.type(steps, "9");
    await user.clear(screen.getByRole("textbox", { name: "Name" }));
    await user.type(screen.getByRole("textbox", { name: "Name" }), "nightly again");
    await user.click(screen.getByRole("checkbox", { name: /Queue it at once/ }));
    await user.click(screen.getByRole("button", { name: "Create clone" }));
    await waitFor(() => expect(onCloned.mock.lastCall?.[0].id).toBe("t-clone"));
    expect(clones).toHaveLength(1);
    expect(clones[0]).toMatchObject({ id: "t-src", start: false, overrides: { name: "nightly again", params: { steps: 9, step_ms: 5 } } });
    expect(clones[0]!.requestId).not.toBe("");
  });

  it("edits JSON for a type without a params schema, and holds the submit while the JSON is wrong", async () => {
    const user = userEvent.setup();
    const { transport, clones } = fakeApi();
    renderInRouter(<CloneDialog task={create(TaskSchema, { ...source, type: "free.form" })} onClose={() => {}} onCloned={() => {}} />, transport);
    const box = await screen.findByRole("textbox", { name: "Parameters (JSON)" });
    await user.type(box, "oops");
    expect(screen.getByRole("button", { name: "Create clone" })).toBeDisabled();
    await user.clear(box);
    await user.type(box, '{{"x": 1}');
    await user.click(screen.getByRole("button", { name: "Create clone" }));
    await waitFor(() => expect(clones).toHaveLength(1));
    expect(clones[0]!.overrides).toMatchObject({ params: { x: 1 } });
    expect(clones[0]!.overrides?.name).toBeUndefined();
  });
});
