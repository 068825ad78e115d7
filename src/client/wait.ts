/**
 * `waitFor(id)`: WaitTask long-polls (at most 60 s each, the server's bound) in a loop until the
 * task is terminal. One UNAVAILABLE in a row is retried after a short pause (an API replica that
 * restarts); a second one fails the wait.
 */
import { Code, ConnectError, type Client } from "@connectrpc/connect";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import type { Task } from "../gen/taskyard/v1/task_pb.js";
import type { TaskService } from "../gen/taskyard/v1/task_service_pb.js";
import { isTerminal } from "./status.js";

export interface WaitForOptions {
  /** Give up after this long with DEADLINE_EXCEEDED; unset: wait as long as it takes. */
  timeoutMs?: number;
  /** Aborting it ends the wait with CANCELED. */
  signal?: AbortSignal;
}

const MAX_POLL_MS = 60_000;
const RETRY_PAUSE_MS = 500;

export async function waitForTask(tasks: Client<typeof TaskService>, id: string, options: WaitForOptions = {}): Promise<Task> {
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  let retried = false;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) throw new ConnectError(`task "${id}" is not finished after ${options.timeoutMs} ms`, Code.DeadlineExceeded);
    try {
      const task = await tasks.waitTask({ id, timeout: durationFromMs(Math.min(left, MAX_POLL_MS)) }, { signal: options.signal });
      retried = false;
      if (isTerminal(task)) return task;
    } catch (err) {
      const e = ConnectError.from(err);
      if (e.code !== Code.Unavailable || retried || options.signal?.aborted) throw e;
      retried = true;
      await pause(Math.min(RETRY_PAUSE_MS, Math.max(0, left)), options.signal);
    }
  }
}

export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(ConnectError.from(signal.reason ?? new Error("aborted"), Code.Canceled));
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(new ConnectError("the wait was aborted", Code.Canceled));
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
