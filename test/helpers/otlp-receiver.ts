/**
 * An OTLP/HTTP trace receiver in the test process, standing in for a collector: accepts
 * POST /v1/traces with protobuf bodies (ExportTraceServiceRequest, decoded with the protobuf
 * code shipped in @opentelemetry/otlp-transformer) and keeps every span, flattened.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** "" for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  service: string;
  attributes: Record<string, unknown>;
  /** OTLP's status code: 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
}

export interface OtlpReceiver {
  /** The base endpoint, as OTEL_EXPORTER_OTLP_ENDPOINT takes it. */
  url: string;
  spans: ReceivedSpan[];
  /** POSTs refused as not OTLP protobuf (wrong path or content type, undecodable body). */
  refused: number;
  close(): Promise<void>;
}

type AnyValue = { value?: string; stringValue?: string; boolValue?: boolean; intValue?: number | { toString(): string }; doubleValue?: number; arrayValue?: { values?: AnyValue[] } };
type KeyValue = { key: string; value?: AnyValue };
type DecodedRequest = {
  resourceSpans?: Array<{
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: Array<{ spans?: Array<{ traceId: Uint8Array; spanId: Uint8Array; parentSpanId?: Uint8Array; name: string; kind: number; attributes?: KeyValue[]; status?: { code?: number; message?: string } }> }>;
  }>;
};

const otlp = createRequire(import.meta.url)("@opentelemetry/otlp-transformer/build/src/generated/root.js");
const ExportTraceServiceRequest: { decode(bytes: Uint8Array): DecodedRequest } = otlp.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const receiver = { spans, refused: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      try {
        if (req.method !== "POST" || req.url !== "/v1/traces" || req.headers["content-type"] !== "application/x-protobuf") throw new Error("not OTLP protobuf");
        spans.push(...flatten(ExportTraceServiceRequest.decode(Buffer.concat(chunks))));
        // An empty ExportTraceServiceResponse: everything accepted.
        res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
      } catch {
        receiver.refused++;
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

function flatten(request: DecodedRequest): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((rs) => {
    const service = String(attributesOf(rs.resource?.attributes)["service.name"] ?? "");
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s) => ({
        traceId: hex(s.traceId),
        spanId: hex(s.spanId),
        parentSpanId: hex(s.parentSpanId),
        name: s.name,
        kind: s.kind,
        service,
        attributes: attributesOf(s.attributes),
        status: { code: s.status?.code ?? 0, message: s.status?.message ?? "" },
      })),
    );
  });
}

function attributesOf(list: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, valueOf(kv.value)]));
}

function valueOf(v: AnyValue | undefined): unknown {
  // protobufjs names the member of the `value` oneof that is set.
  switch (v?.value) {
    case "stringValue":
      return v.stringValue;
    case "boolValue":
      return v.boolValue;
    case "intValue":
      return Number(v.intValue!.toString());
    case "doubleValue":
      return v.doubleValue;
    case "arrayValue":
      return (v.arrayValue?.values ?? []).map(valueOf);
    default:
      return undefined;
  }
}

function hex(bytes: Uint8Array | undefined): string {
  return bytes && bytes.length > 0 ? Buffer.from(bytes).toString("hex") : "";
}
