/**
 * `watch(id)`: the task now and on every change, over WatchTask, ending after the terminal
 * snapshot. A stream that fails with UNAVAILABLE (or ends early, e.g. an API replica shutting
 * down) is opened once more; the reopened stream starts with the current task, so no final state
 * is missed. The allowance renews once the new stream delivered a snapshot, so only two failures
 * in a row end the iteration with the error.
 */
import { Code, ConnectError, type Client } from "@connectrpc/connect";
import type { Task } from "../gen/taskyard/v1/task_pb.js";
import type { TaskService } from "../gen/taskyard/v1/task_service_pb.js";
import { isTerminal } from "./status.js";
import { pause } from "./wait.js";

export interface WatchOptions {
  /** Aborting it ends the iteration with CANCELED. */
  signal?: AbortSignal;
}

const REOPEN_PAUSE_MS = 250;

export async function* watchTask(tasks: Client<typeof TaskService>, id: string, options: WatchOptions = {}): AsyncGenerator<Task, void, undefined> {
  let reopened = false;
  for (;;) {
    let failure: ConnectError | undefined;
    try {
      for await (const task of tasks.watchTask({ id }, { signal: options.signal })) {
        reopened = false;
        yield task;
        if (isTerminal(task)) return;
      }
    } catch (err) {
      failure = ConnectError.from(err);
      if (failure.code !== Code.Unavailable || options.signal?.aborted) throw failure;
    }
    if (reopened) throw failure ?? new ConnectError(`the watch of task "${id}" ended before the task finished`, Code.Unavailable);
    reopened = true;
    await pause(REOPEN_PAUSE_MS, options.signal);
  }
}
