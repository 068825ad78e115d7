/** Outcomes of RPCs for assertions: the code name (as `Code[...]` spells it) and message. */
import { Code, ConnectError } from "@connectrpc/connect";

/** The gRPC code name of a failed call, or "OK". */
export async function codeOf(call: Promise<unknown> | (() => Promise<unknown>)): Promise<string> {
  try {
    await (typeof call === "function" ? call() : call);
    return "OK";
  } catch (err) {
    return Code[ConnectError.from(err).code];
  }
}

/** The gRPC code name and raw message of a failed call; `{ code: "OK", message: "" }` if it succeeded. */
export async function failure(call: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call();
    return { code: "OK", message: "" };
  } catch (err) {
    const e = ConnectError.from(err);
    return { code: Code[e.code], message: e.rawMessage };
  }
}

/** The error (code + message) a call fails with; throws when it did not fail. */
export async function errorOf(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error("expected the call to fail");
}
