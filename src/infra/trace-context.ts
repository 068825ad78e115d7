/**
 * A trace context kept with a task, as its W3C `traceparent` (55 characters): the task is
 * created in one RPC and dispatched later, maybe by another replica, and the dispatch continues
 * the creating trace. Only the OpenTelemetry API here (no SDK): with tracing off, nothing is
 * active, so nothing is stored and nothing is continued.
 */
import { context, defaultTextMapGetter, defaultTextMapSetter, isSpanContextValid, ROOT_CONTEXT, SpanStatusCode, trace, type Context, type Span, type SpanOptions } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";

const w3c = new W3CTraceContextPropagator();

/**
 * The `traceparent` of the active span, or null when there is none (tracing off). An unsampled
 * one is kept too, so the dispatch follows the creating trace's sampling decision.
 */
export function currentTraceParent(): string | null {
  const active = context.active();
  const span = trace.getSpanContext(active);
  if (!span || !isSpanContextValid(span)) return null;
  const carrier: Record<string, string> = {};
  w3c.inject(active, carrier, defaultTextMapSetter);
  return carrier.traceparent ?? null;
}

/** A context whose (remote) parent is `traceParent`, for spans that continue it; the root context when there is none or it is malformed. */
export function contextOfTraceParent(traceParent: string | null | undefined): Context {
  if (!traceParent) return ROOT_CONTEXT;
  return w3c.extract(ROOT_CONTEXT, { traceparent: traceParent }, defaultTextMapGetter);
}

/**
 * Runs `fn` in a new active span under `parent` (the active context by default), ending it when
 * `fn` settles; a throw is recorded on the span as an error and rethrown.
 */
export async function inSpan<T>(name: string, options: SpanOptions, parent: Context | undefined, fn: (span: Span) => Promise<T>): Promise<T> {
  return trace.getTracer("taskyard").startActiveSpan(name, options, parent ?? context.active(), async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err instanceof Error ? err : String(err));
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      throw err;
    } finally {
      span.end();
    }
  });
}
