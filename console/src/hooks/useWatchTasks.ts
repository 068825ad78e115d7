/**
 * One page of tasks, kept live by TaskService.WatchTasks (a snapshot, then diffs) — not by
 * polling. Until the stream's first message arrives, and while it is down, the page is ListTasks'
 * answer. A stream that fails is opened again with backoff (1 s doubling to 30 s), and its error
 * is returned so the page can say live updates are paused; a request the server refuses as
 * invalid is not retried (ListTasks shows that error).
 */
import { toJsonString } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { useQuery, useTransport } from "@connectrpc/connect-query";
import { keepPreviousData } from "@tanstack/react-query";
import { ListTasksRequestSchema, TaskService, type ListTasksRequest } from "@gen/taskyard/v1/task_service_pb.js";
import { useEffect, useMemo, useState } from "react";
import { applyWatchResponse, pageOfList, type TaskPage } from "../lib/watch-page";

export interface WatchedTasks {
  page?: TaskPage;
  /** ListTasks' error (a bad filter, say). */
  error: unknown;
  /** The stream's last error while it reconnects; undefined while live. */
  streamError?: unknown;
  live: boolean;
  refetch: () => void;
}

const MAX_BACKOFF_MS = 30_000;

export function useWatchTasks(query: ListTasksRequest): WatchedTasks {
  const transport = useTransport();
  const key = useMemo(() => toJsonString(ListTasksRequestSchema, query), [query]);
  const list = useQuery(TaskService.method.listTasks, query, { placeholderData: keepPreviousData });
  const [live, setLive] = useState<{ key: string; page?: TaskPage; error?: unknown }>({ key });

  useEffect(() => {
    const ctrl = new AbortController();
    const client = createClient(TaskService, transport);
    setLive({ key });
    void (async () => {
      for (let attempt = 0; !ctrl.signal.aborted; attempt++) {
        try {
          for await (const msg of client.watchTasks({ query }, { signal: ctrl.signal })) {
            attempt = 0;
            setLive((s) => ({ key, page: applyWatchResponse(s.key === key ? s.page : undefined, msg) }));
          }
        } catch (err) {
          if (ctrl.signal.aborted) return;
          if (err instanceof ConnectError && err.code === Code.InvalidArgument) return setLive({ key });
          // The list answers while the stream is down: fresh at every failed try.
          setLive({ key, error: err });
          list.refetch().catch(() => undefined);
        }
        const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt) * (0.75 + Math.random() / 2);
        await new Promise((resolve) => {
          const timer = setTimeout(resolve, delay);
          ctrl.signal.addEventListener("abort", () => (clearTimeout(timer), resolve(undefined)), { once: true });
        });
      }
    })();
    return () => ctrl.abort();
    // `key` stands for `query` (a new message object each render).
  }, [key, transport]);

  const current = live.key === key ? live : { key };
  const page = current.page ?? (list.data ? pageOfList(list.data) : undefined);
  return {
    page,
    error: list.error,
    streamError: current.error,
    live: current.page !== undefined && current.error === undefined,
    refetch: () => void list.refetch(),
  };
}
