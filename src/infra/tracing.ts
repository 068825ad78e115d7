/**
 * OpenTelemetry tracing for a process: a NodeTracerProvider batching spans to an OTLP/HTTP
 * (protobuf) endpoint, W3C trace-context and baggage propagation, and the mysql2 instrumentation.
 * The composition roots (serve, dev, worker) start it first, before the database is opened: the
 * instrumentation patches mysql2 when TypeORM requires it. Off unless config.tracing.tracesUrl is
 * set: then no SDK is loaded or started, nothing is patched, and the interceptors (Connect, Temporal)
 * speak to OpenTelemetry's no-op API.
 */
import { context, diag, DiagLogLevel, propagation, SpanKind, trace, type Attributes, type Context, type Link } from "@opentelemetry/api";
import type { Logger } from "pino";
import type { Resource } from "@opentelemetry/resources";
import type { Sampler, SamplingResult, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { TracingConfig } from "../config-tracing.js";

export interface Tracing {
  /** Where workflow spans go: they are made in Temporal's workflow sandbox and cross over through a sink. */
  readonly spanProcessor: SpanProcessor;
  readonly resource: Resource;
  /** Exports what is buffered now. */
  forceFlush(): Promise<void>;
  /** Flushes and stops; a command's last step on SIGTERM. */
  shutdown(): Promise<void>;
}

/** The provider is global per process: one Tracing at most. */
let active: Tracing | undefined;
let starting: Promise<Tracing> | undefined;

export function activeTracing(): Tracing | undefined {
  return active;
}

/**
 * Starts tracing as `defaultServiceName` (OTEL_SERVICE_NAME overrides it) when an endpoint is
 * configured; undefined otherwise. Started already (a test that runs several roles in one
 * process): the running one is returned.
 */
export async function startTracing(config: TracingConfig, defaultServiceName: string, logger?: Logger): Promise<Tracing | undefined> {
  if (!config.tracesUrl) return undefined;
  starting ??= start(config.tracesUrl, config, defaultServiceName, logger);
  return starting;
}

async function start(tracesUrl: string, config: TracingConfig, defaultServiceName: string, logger: Logger | undefined): Promise<Tracing> {
  // Loaded only here, so a process with tracing off never loads the SDK.
  const [core, { OTLPTraceExporter }, { registerInstrumentations }, { MySQL2Instrumentation }, { Resource }, base, { NodeTracerProvider }, semconv] = await Promise.all([
    import("@opentelemetry/core"),
    import("@opentelemetry/exporter-trace-otlp-proto"),
    import("@opentelemetry/instrumentation"),
    import("@opentelemetry/instrumentation-mysql2"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/sdk-trace-base"),
    import("@opentelemetry/sdk-trace-node"),
    import("@opentelemetry/semantic-conventions"),
  ]);
  const serviceName = config.serviceName ?? config.resourceAttributes[semconv.ATTR_SERVICE_NAME] ?? defaultServiceName;
  const resource = new Resource({ ...config.resourceAttributes, [semconv.ATTR_SERVICE_NAME]: serviceName });
  const spanProcessor = new base.BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl, headers: { ...config.headers } }));
  const { name, ratio } = config.sampler;
  const root = name.endsWith("always_off") ? new base.AlwaysOffSampler() : name.endsWith("traceidratio") ? new base.TraceIdRatioBasedSampler(ratio) : new base.AlwaysOnSampler();
  const sampler = new EntrySpansOnly(name.startsWith("parentbased_") ? new base.ParentBasedSampler({ root }) : root, base.SamplingDecision.NOT_RECORD);
  const provider = new NodeTracerProvider({ resource, sampler, spanProcessors: [spanProcessor] });
  provider.register({
    propagator: new core.CompositePropagator({ propagators: [new core.W3CTraceContextPropagator(), new core.W3CBaggagePropagator()] }),
  });
  const unregister = registerInstrumentations({ tracerProvider: provider, instrumentations: [new MySQL2Instrumentation()] });
  if (logger) {
    // The SDK's own complaints (an export the collector refused, a full buffer) are otherwise silent.
    const sdk = logger.child({ component: "opentelemetry" });
    const warn = (message: string, ...args: unknown[]) => sdk.warn({ details: args.map(String) }, message);
    diag.setLogger({ error: warn, warn, info: () => undefined, debug: () => undefined, verbose: () => undefined }, DiagLogLevel.WARN);
    logger.info({ tracesUrl: tracesUrl.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@"), serviceName, sampler: config.sampler.name }, "exporting traces (OTLP/HTTP)");
  }
  let stopping: Promise<void> | undefined;
  const tracing: Tracing = {
    spanProcessor,
    resource,
    forceFlush: () => provider.forceFlush(),
    shutdown: () =>
      (stopping ??= (async () => {
        unregister();
        await provider.shutdown();
        // Back to the no-op API, so a later start (tests) registers afresh.
        trace.disable();
        propagation.disable();
        context.disable();
        diag.disable();
        active = undefined;
        starting = undefined;
      })()),
  };
  active = tracing;
  return tracing;
}

/**
 * Starts a trace only at an entry point: an RPC (SERVER), a dispatch (PRODUCER), a consumer.
 * The queries and Temporal calls of background loops (the dispatcher's polling, the reconciler)
 * would otherwise each be a trace of one span, several a second per replica. Spans with a parent
 * follow the wrapped sampler.
 */
class EntrySpansOnly implements Sampler {
  constructor(
    private readonly inner: Sampler,
    /** SamplingDecision.NOT_RECORD, passed in: the SDK is loaded lazily. */
    private readonly notRecord: SamplingResult["decision"],
  ) {}

  shouldSample(ctx: Context, traceId: string, spanName: string, spanKind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    const entry = spanKind === SpanKind.SERVER || spanKind === SpanKind.PRODUCER || spanKind === SpanKind.CONSUMER;
    if (!entry && !trace.getSpanContext(ctx)) return { decision: this.notRecord };
    return this.inner.shouldSample(ctx, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return `EntrySpansOnly{${this.inner.toString()}}`;
  }
}
