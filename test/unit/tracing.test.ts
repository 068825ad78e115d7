/**
 * Tracing's configuration (OpenTelemetry's standard variables, config-tracing.ts) and start-up
 * (infra/tracing.ts): off with no endpoint (no SDK, the API stays a no-op, no traceparent is
 * stored), on with one; which spans may start a trace.
 */
import { context, ROOT_CONTEXT, SpanKind, trace } from "@opentelemetry/api";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { contextOfTraceParent, currentTraceParent } from "../../src/infra/trace-context.js";
import { activeTracing, startTracing } from "../../src/infra/tracing.js";

describe("tracing configuration", () => {
  it("is off without an OTLP endpoint", () => {
    expect(loadConfig({}).tracing).toMatchObject({ tracesUrl: undefined, serviceName: undefined, sampler: { name: "parentbased_always_on", ratio: 1 } });
  });

  it("appends /v1/traces to the base endpoint and takes the traces endpoint as given", () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" }).tracing.tracesUrl).toBe("http://collector:4318/v1/traces");
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://otlp.example/api/traces" }).tracing.tracesUrl).toBe(
      "https://otlp.example/api/traces",
    );
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_SDK_DISABLED: "true" }).tracing.tracesUrl).toBeUndefined();
  });

  it("parses headers (the traces ones win) and resource attributes, percent-decoded", () => {
    const t = loadConfig({
      OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer%20abc, x-team=media",
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: "x-team=video",
      OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=prod,service.version=1.2.3",
      OTEL_SERVICE_NAME: "taskyard-eu",
      OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "0.25",
    }).tracing;
    expect(t.headers).toEqual({ authorization: "Bearer abc", "x-team": "video" });
    expect(t.resourceAttributes).toEqual({ "deployment.environment": "prod", "service.version": "1.2.3" });
    expect(t.serviceName).toBe("taskyard-eu");
    expect(t.sampler).toEqual({ name: "parentbased_traceidratio", ratio: 0.25 });
  });

  it("refuses the gRPC protocol and malformed pairs, naming the variable but not the secret", () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (e) {
        return (e as ConfigError).problems.join("\n");
      }
      throw new Error("expected a ConfigError");
    };
    expect(problems({ OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" })).toMatch(/^OTEL_EXPORTER_OTLP_PROTOCOL: only "http\/protobuf" is supported/);
    const pairs = problems({ OTEL_EXPORTER_OTLP_HEADERS: "s3cr3t-token", OTEL_RESOURCE_ATTRIBUTES: "a=%zz" });
    expect(pairs).toBe('OTEL_EXPORTER_OTLP_HEADERS: entry 1 is not key=value\nOTEL_RESOURCE_ATTRIBUTES: the value of "a" is not valid percent-encoding');
    expect(pairs).not.toContain("s3cr3t");
  });
});

describe("startTracing", () => {
  afterEach(async () => {
    await activeTracing()?.shutdown();
  });

  it("starts nothing without an endpoint: the API stays a no-op and tasks keep no traceparent", async () => {
    expect(await startTracing(loadConfig({}).tracing, "taskyard-serve")).toBeUndefined();
    expect(activeTracing()).toBeUndefined();
    const span = trace.getTracer("t").startSpan("x", { kind: SpanKind.SERVER });
    expect(span.isRecording()).toBe(false);
    context.with(trace.setSpan(context.active(), span), () => expect(currentTraceParent()).toBeNull());
  });

  it("with an endpoint, starts traces at entry points only and continues a stored traceparent", async () => {
    // Nothing is ended, so nothing is exported to this closed port.
    const tracing = await startTracing(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9" }).tracing, "taskyard-serve");
    expect(tracing).toBeDefined();
    expect(await startTracing(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9" }).tracing, "other")).toBe(tracing);
    expect(tracing!.resource.attributes["service.name"]).toBe("taskyard-serve");
    const tracer = trace.getTracer("t");
    // A background loop's query or Temporal call: no trace of its own.
    expect(tracer.startSpan("SELECT", { kind: SpanKind.CLIENT }, ROOT_CONTEXT).isRecording()).toBe(false);
    expect(tracer.startSpan("DescribeWorkflow", {}, ROOT_CONTEXT).isRecording()).toBe(false);
    const rpc = tracer.startSpan("taskyard.v1.TaskService/CreateTask", { kind: SpanKind.SERVER }, ROOT_CONTEXT);
    expect(rpc.isRecording()).toBe(true);
    const traceParent = context.with(trace.setSpan(ROOT_CONTEXT, rpc), () => {
      expect(tracer.startSpan("INSERT", { kind: SpanKind.CLIENT }).isRecording()).toBe(true);
      return currentTraceParent();
    });
    expect(traceParent).toBe(`00-${rpc.spanContext().traceId}-${rpc.spanContext().spanId}-01`);
    // The dispatch, later, continues it.
    const dispatch = tracer.startSpan("dispatch demo.sleep", { kind: SpanKind.PRODUCER }, contextOfTraceParent(traceParent));
    expect(dispatch.spanContext().traceId).toBe(rpc.spanContext().traceId);
    expect(dispatch.isRecording()).toBe(true);
  });
});
