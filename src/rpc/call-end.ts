/**
 * When an RPC is over, for the interceptors that measure and log calls: a unary call when it
 * answered or failed; a stream when its last message went out, it failed, or the client left
 * (the call's signal aborts then, even while the stream waits for its next message).
 */
import { Code, ConnectError, type StreamResponse, type UnaryResponse } from "@connectrpc/connect";
import { errorCodeName } from "./errors.js";

type CallResponse = UnaryResponse | StreamResponse;

/** "taskyard.v1.TaskService/CreateTask": the label metrics and logs name a call by. */
export const procedureOf = (req: { method: { name: string; parent: { typeName: string } } }): string => `${req.method.parent.typeName}/${req.method.name}`;

/** "OK", or the gRPC code name of what the call failed with ("NOT_FOUND", …). */
export function codeNameOf(err: unknown): string {
  if (err === undefined) return "OK";
  return errorCodeName(err instanceof ConnectError ? err.code : Code.Unknown);
}

/**
 * Answers what `call()` answers, and calls `onEnd` exactly once when the call is over, with the
 * error it ended with (undefined: OK). `step` runs each pull of a stream's next message (the
 * request context resumes its log scope there: a stream's messages are pulled after the
 * interceptors have returned).
 */
export async function onCallEnd<R extends CallResponse>(signal: AbortSignal, call: () => Promise<R>, onEnd: (err: unknown) => void, step: <T>(pull: () => T) => T = (pull) => pull()): Promise<R> {
  let res: R;
  try {
    res = await call();
  } catch (err) {
    onEnd(err);
    throw err;
  }
  if (!res.stream) {
    onEnd(undefined);
    return res;
  }
  let ended = false;
  const end = (err: unknown) => {
    if (ended) return;
    ended = true;
    signal.removeEventListener("abort", left);
    onEnd(err);
  };
  const left = () => end(new ConnectError("the client cancelled the call", Code.Canceled));
  if (signal.aborted) left();
  else signal.addEventListener("abort", left, { once: true });
  const source = res.message;
  const messages = async function* () {
    const it = source[Symbol.asyncIterator]();
    let done = false;
    let failure: unknown;
    try {
      for (;;) {
        const r = await step(() => it.next());
        if (r.done) {
          done = true;
          return;
        }
        yield r.value;
      }
    } catch (err) {
      done = true;
      failure = err;
      throw err;
    } finally {
      // Closed early (the client went away between messages): let the inner streams clean up.
      if (!done) await step(() => it.return?.());
      end(failure ?? (signal.aborted ? new ConnectError("the client cancelled the call", Code.Canceled) : undefined));
    }
  };
  return { ...res, message: messages() };
}
