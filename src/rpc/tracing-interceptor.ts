/**
 * A SERVER span per RPC, after OpenTelemetry's RPC conventions: named by the procedure
 * (`taskyard.v1.TaskService/CreateTask`), continuing an incoming W3C `traceparent` (and
 * `baggage`), active while the handler runs so its queries and Temporal calls are its children,
 * its status from the RPC's code. A stream's span lasts as long as the stream. Health checks are
 * not traced: probes every few seconds would drown the traces that matter. Without a started
 * SDK the OpenTelemetry API is a no-op and so is this.
 */
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { context, propagation, SpanKind, SpanStatusCode, trace, type Context, type Span, type TextMapGetter } from "@opentelemetry/api";

const UNTRACED_SERVICES: ReadonlySet<string> = new Set(["grpc.health.v1.Health"]);

/** The codes OpenTelemetry's RPC conventions count as the server's failure; the others are the caller's. */
const SERVER_ERRORS: ReadonlySet<Code> = new Set([Code.Unknown, Code.DeadlineExceeded, Code.Unimplemented, Code.Internal, Code.Unavailable, Code.DataLoss]);

const headerGetter: TextMapGetter<Headers> = {
  keys: (headers) => [...headers.keys()],
  get: (headers, key) => headers.get(key) ?? undefined,
};

export function tracingInterceptor(): Interceptor {
  return (next) => async (req) => {
    if (UNTRACED_SERVICES.has(req.service.typeName)) return next(req);
    // gRPC and gRPC-Web both say application/grpc…; anything else is the Connect protocol.
    const grpc = (req.header.get("content-type") ?? "").startsWith("application/grpc");
    const parent = propagation.extract(context.active(), req.header, headerGetter);
    const span = trace.getTracer("taskyard").startSpan(
      `${req.service.typeName}/${req.method.name}`,
      { kind: SpanKind.SERVER, attributes: { "rpc.system": grpc ? "grpc" : "connect_rpc", "rpc.service": req.service.typeName, "rpc.method": req.method.name } },
      parent,
    );
    const active = trace.setSpan(parent, span);
    try {
      const res = await context.with(active, () => next(req));
      if (!res.stream) {
        end(span, grpc, undefined);
        return res;
      }
      return { ...res, message: traced(res.message, active, span, grpc) };
    } catch (err) {
      end(span, grpc, err);
      throw err;
    }
  };
}

/** A stream's messages, each produced under the RPC's span (a handler's generator runs as it is read); the span ends with the stream. */
async function* traced<T>(messages: AsyncIterable<T>, active: Context, span: Span, grpc: boolean): AsyncGenerator<T> {
  const iterator = messages[Symbol.asyncIterator]();
  let failure: unknown;
  try {
    for (;;) {
      const next = await context.with(active, () => iterator.next());
      if (next.done) return;
      yield next.value;
    }
  } catch (err) {
    failure = err;
    throw err;
  } finally {
    // Read no further (the client went away): let the handler's generator clean up.
    await iterator.return?.();
    end(span, grpc, failure);
  }
}

function end(span: Span, grpc: boolean, err: unknown): void {
  const code = err === undefined ? undefined : err instanceof ConnectError ? err.code : Code.Unknown;
  if (grpc) span.setAttribute("rpc.grpc.status_code", code ?? 0);
  else if (code !== undefined) span.setAttribute("rpc.connect_rpc.error_code", connectCodeName(code));
  if (code !== undefined && SERVER_ERRORS.has(code)) span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
  span.end();
}

/** `Code.FailedPrecondition` → "failed_precondition", as the Connect protocol spells codes. */
function connectCodeName(code: Code): string {
  return Code[code].replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
}
