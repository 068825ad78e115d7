/**
 * The context of one RPC, for logs (docs/observability.md): a request id — the caller's
 * `x-request-id` when it sends a usable one, else a new UUIDv7 — sent back in the `x-request-id`
 * response header (on errors too), and a log scope (infra/log-context.ts) so that every line
 * logged while the call runs, through any logger, carries request id, procedure, tenant and
 * principal (once authenticated) and the task id where the request names one. When the call is
 * over, one access line (procedure, code, duration, ids) at the configured level.
 * Outermost interceptor: it sees the final code, and the error mapping logs inside its scope.
 */
import type { Interceptor, StreamRequest, UnaryRequest } from "@connectrpc/connect";
import { ConnectError } from "@connectrpc/connect";
import { isSpanContextValid, trace } from "@opentelemetry/api";
import type { Logger } from "pino";
import { v7 as uuidv7 } from "uuid";
import { TaskService } from "../gen/taskyard/v1/task_service_pb.js";
import { WorkerService } from "../gen/taskyard/v1/worker_service_pb.js";
import { runInLogScope, type LogScope } from "../infra/log-context.js";
import { codeNameOf, onCallEnd, procedureOf } from "./call-end.js";
import { callerKey } from "./caller.js";

export const REQUEST_ID_HEADER = "x-request-id";
export type AccessLogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";

/** Printable ASCII without spaces, at most 128 characters: anything else is replaced, not echoed. */
const USABLE_ID = /^[\x21-\x7e]{1,128}$/;

export interface RequestContextOptions {
  logger: Logger;
  /** Level of the access line; `silent`: none. */
  accessLevel: AccessLogLevel;
}

export function requestContextInterceptor({ logger, accessLevel }: RequestContextOptions): Interceptor {
  return (next) => async (req) => {
    const started = performance.now();
    const sent = req.header.get(REQUEST_ID_HEADER);
    const requestId = sent !== null && USABLE_ID.test(sent) ? sent : uuidv7();
    const procedure = procedureOf(req);
    let taskId = taskIdOfRequest(req);
    // With tracing on, the RPC's span (the tracing interceptor runs outside this one) ties logs to the trace.
    const span = trace.getActiveSpan()?.spanContext();
    const traceId = span && isSpanContextValid(span) ? span.traceId : undefined;
    const caller = () => {
      const c = req.contextValues.get(callerKey);
      // Before authentication the key answers its default ("anonymous"): not a caller yet.
      return c === callerKey.defaultValue ? {} : { tenant: c.tenant, principal: c.principal };
    };
    const scope: LogScope = { fields: () => ({ requestId, procedure, ...caller(), ...(taskId ? { taskId } : {}), ...(traceId ? { traceId } : {}) }) };

    const res = await runInLogScope(scope, () =>
      onCallEnd(
        req.signal,
        async () => {
          const answer = await next(req);
          if (!answer.stream) taskId ??= taskIdOf(answer.message);
          return answer;
        },
        (err) => {
          if (err instanceof ConnectError && !err.metadata.has(REQUEST_ID_HEADER)) err.metadata.set(REQUEST_ID_HEADER, requestId);
          if (accessLevel === "silent") return;
          const code = codeNameOf(err);
          const line = { ...scope.fields(), code, durationMs: Math.round((performance.now() - started) * 10) / 10 };
          const detail = code === "OK" ? undefined : err instanceof ConnectError ? err.rawMessage.slice(0, 300) : String(err).slice(0, 300);
          logger[accessLevel](detail === undefined ? line : { ...line, error: detail }, "rpc");
        },
        (pull) => runInLogScope(scope, pull),
      ),
    );
    res.header.set(REQUEST_ID_HEADER, requestId);
    return res;
  };
}

/** The task a request is about, where its shape names one (TaskService `id` / `task.id`, WorkerService `task_id`). */
function taskIdOfRequest(req: UnaryRequest | StreamRequest): string | undefined {
  if (req.stream) return undefined;
  const m = req.message as { id?: unknown; taskId?: unknown; task?: { id?: unknown } };
  if (req.service.typeName === TaskService.typeName) return idString(m.id) ?? idString(m.task?.id);
  if (req.service.typeName === WorkerService.typeName) return idString(m.taskId);
  return undefined;
}

/** A Task answer's id (CreateTask knows its task only once it answered). */
function taskIdOf(message: unknown): string | undefined {
  const m = message as { $typeName?: string; id?: unknown };
  return m.$typeName === "taskyard.v1.Task" ? idString(m.id) : undefined;
}

const idString = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v.slice(0, 64) : undefined);
