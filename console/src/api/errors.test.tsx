import { Code, ConnectError } from "@connectrpc/connect";
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { ErrorAlert } from "../components/ErrorAlert";
import { describeError } from "./errors";

describe("describeError", () => {
  it("splits the field path off an INVALID_ARGUMENT message", () => {
    const e = new ConnectError("task.params.n: must be integer", Code.InvalidArgument);
    expect(describeError(e)).toEqual({ code: "INVALID_ARGUMENT", field: "task.params.n", message: "must be integer" });
  });

  it("keeps a message that names no field whole", () => {
    const e = new ConnectError('task 0f3c is CANCELLED: cannot abort a finished task', Code.FailedPrecondition);
    expect(describeError(e)).toEqual({ code: "FAILED_PRECONDITION", message: "task 0f3c is CANCELLED: cannot abort a finished task" });
  });

  it("names a network failure in words", () => {
    expect(describeError(new TypeError("Failed to fetch"))).toEqual({ code: "UNAVAILABLE", message: "cannot reach the Taskyard API (Failed to fetch)" });
  });
});

describe("ErrorAlert", () => {
  it("shows code, message and field, never JSON", () => {
    render(<ErrorAlert error={new ConnectError("query.filter: unknown field \"colour\"", Code.InvalidArgument)} />);
    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("INVALID_ARGUMENT");
    expect(alert).toHaveTextContent('unknown field "colour"');
    expect(alert).toHaveTextContent("field query.filter");
    expect(alert.textContent).not.toContain("{");
  });
});
