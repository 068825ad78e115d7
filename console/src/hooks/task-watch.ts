/**
 * One task, live: GetTask answers first (and whenever the stream is down), then
 * TaskService.WatchTask pushes every change until the task is terminal (the server then ends
 * the stream). A stream that fails, or ends before that, is opened again with backoff (1 s
 * doubling to 30 s, jittered), refetching GetTask at each failure; NOT_FOUND and PERMISSION_DENIED are not retried (GetTask
 * shows them). `update(task)` takes an answer of a write (CancelTask, RetryTask …) at once and
 * opens the stream again, since a retried task is no longer terminal.
 */
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { useQuery, useTransport } from "@connectrpc/connect-query";
import { TaskService } from "@gen/taskyard/v1/task_service_pb.js";
import type { Task } from "@gen/taskyard/v1/task_pb.js";
import { useCallback, useEffect, useState } from "react";
import { TERMINAL, toDate } from "../lib/format";

export interface WatchedTask {
  task?: Task;
  /** GetTask's error (unknown id, say). */
  error: unknown;
  /** The stream's last error while it reconnects. */
  streamError?: unknown;
  update: (task: Task) => void;
}

const MAX_BACKOFF_MS = 30_000;
const FINAL: ReadonlySet<Code> = new Set([Code.NotFound, Code.PermissionDenied, Code.InvalidArgument, Code.Unauthenticated]);

/** The later of two versions of a task (by update_time; `b` on a tie). */
function newer(a: Task | undefined, b: Task | undefined): Task | undefined {
  if (!a || !b) return b ?? a;
  return (toDate(a.updateTime)?.getTime() ?? 0) > (toDate(b.updateTime)?.getTime() ?? 0) ? a : b;
}

export function useWatchedTask(id: string): WatchedTask {
  const transport = useTransport();
  const get = useQuery(TaskService.method.getTask, { id });
  const [live, setLive] = useState<{ id: string; task?: Task; error?: unknown; generation: number }>({ id, generation: 0 });
  const generation = live.id === id ? live.generation : 0;

  useEffect(() => {
    const ctrl = new AbortController();
    const client = createClient(TaskService, transport);
    void (async () => {
      for (let attempt = 0; !ctrl.signal.aborted; attempt++) {
        try {
          let last: Task | undefined;
          for await (const task of client.watchTask({ id }, { signal: ctrl.signal })) {
            attempt = 0;
            last = task;
            setLive((s) => ({ id, task, generation: s.id === id ? s.generation : 0 }));
          }
          // The server ends the stream once the task is terminal; an end before that (a server
          // draining for a restart) is watched again.
          if (last && TERMINAL.has(last.status)) return;
        } catch (err) {
          if (ctrl.signal.aborted) return;
          if (err instanceof ConnectError && FINAL.has(err.code)) return;
          setLive((s) => ({ ...s, error: err }));
          get.refetch().catch(() => undefined);
        }
        const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt) * (0.75 + Math.random() / 2);
        await new Promise((resolve) => {
          const timer = setTimeout(resolve, delay);
          ctrl.signal.addEventListener("abort", () => (clearTimeout(timer), resolve(undefined)), { once: true });
        });
      }
    })();
    return () => ctrl.abort();
    // `get` is read for its refetch only.
  }, [id, transport, generation]);

  const update = useCallback((task: Task) => setLive((s) => ({ id, task, generation: (s.id === id ? s.generation : 0) + 1 })), [id]);
  const current = live.id === id ? live : undefined;
  return { task: newer(get.data, current?.task), error: get.error, streamError: current?.error, update };
}
