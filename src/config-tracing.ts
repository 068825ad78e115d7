/**
 * The tracing part of the configuration, from OpenTelemetry's standard variables (the SDK's own
 * names, so collectors' docs, charts and habits carry over). Pure, like loadConfig, which calls it:
 * the SDK is started from this object, never from process.env.
 */
import type { Env } from "./config-schema.js";

export type TracingConfig = Readonly<{
  /** Where spans are POSTed (OTLP/HTTP protobuf, …/v1/traces); undefined = tracing off, no SDK starts. */
  tracesUrl: string | undefined;
  headers: Readonly<Record<string, string>>;
  /** OTEL_SERVICE_NAME; undefined = the command's own (taskyard-serve, taskyard-worker). */
  serviceName: string | undefined;
  resourceAttributes: Readonly<Record<string, string>>;
  sampler: Readonly<{ name: Env["OTEL_TRACES_SAMPLER"]; ratio: number }>;
}>;

export function tracingConfig(e: Env): { tracing: TracingConfig; problems: string[] } {
  const problems: string[] = [];
  const headers = {
    ...pairs("OTEL_EXPORTER_OTLP_HEADERS", e.OTEL_EXPORTER_OTLP_HEADERS, problems),
    // The signal-specific variable wins over the general one, key by key.
    ...pairs("OTEL_EXPORTER_OTLP_TRACES_HEADERS", e.OTEL_EXPORTER_OTLP_TRACES_HEADERS, problems),
  };
  const tracing: TracingConfig = Object.freeze({
    tracesUrl: tracesUrl(e),
    headers: Object.freeze(headers),
    serviceName: e.OTEL_SERVICE_NAME,
    resourceAttributes: Object.freeze(pairs("OTEL_RESOURCE_ATTRIBUTES", e.OTEL_RESOURCE_ATTRIBUTES, problems)),
    sampler: Object.freeze({ name: e.OTEL_TRACES_SAMPLER, ratio: e.OTEL_TRACES_SAMPLER_ARG ?? 1 }),
  });
  return { tracing, problems };
}

/** As the OTLP spec says: the traces endpoint is used as given, the base endpoint gets /v1/traces appended. */
function tracesUrl(e: Env): string | undefined {
  if (e.OTEL_SDK_DISABLED) return undefined;
  if (e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (e.OTEL_EXPORTER_OTLP_ENDPOINT) return `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, "")}/v1/traces`;
  return undefined;
}

/**
 * `key=value,key2=value2` with percent-encoded values, the form the spec gives both headers and
 * resource attributes. Problems name the entry, never its value (headers carry credentials).
 */
function pairs(name: string, raw: string | undefined, problems: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw) return out;
  raw.split(",").forEach((entry, i) => {
    if (entry.trim() === "") return;
    const eq = entry.indexOf("=");
    const key = eq > 0 ? entry.slice(0, eq).trim() : "";
    if (!key) {
      problems.push(`${name}: entry ${i + 1} is not key=value`);
      return;
    }
    try {
      out[key] = decodeURIComponent(entry.slice(eq + 1).trim());
    } catch {
      problems.push(`${name}: the value of "${key}" is not valid percent-encoding`);
    }
  });
  return out;
}
