/**
 * The environment variables Taskyard reads, as one zod schema: names, types, bounds and
 * defaults. Only config.ts (the one reader of process.env) parses it.
 */
import { z } from "zod";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .transform((v) => v === "true" || v === "1" || v === "yes");
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const list = z.string().transform((v) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));
// Only OTLP over HTTP with protobuf bodies is built in (the collector's port 4318, not gRPC's 4317).
const otlpProtocol = z.enum(["http/protobuf"], { error: 'only "http/protobuf" is supported: point the endpoint at the collector\'s OTLP/HTTP port (4318)' }).optional();

export const schema = z.object({
  TASKYARD_HOST: z.string().min(1).optional(),
  TASKYARD_PORT: int(0, 65535).default(8080),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  // The level of the one access line per RPC (shown when LOG_LEVEL lets it through); silent: none.
  TASKYARD_ACCESS_LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^(mysql|mariadb):\/\//, "must be a mysql:// URL, e.g. mysql://user:pass@host:3306/taskyard")
      .optional(),
  ),
  DATABASE_POOL_SIZE: int(1, 500).default(10),
  DATABASE_PROBE_INTERVAL_MS: int(100, 60_000).default(1000),
  DATABASE_PROBE_TIMEOUT_MS: int(100, 60_000).default(2000),
  TASKYARD_MIGRATE_ON_START: bool.default(false),
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().min(1).default("default"),
  TEMPORAL_API_KEY: optionalString,
  TEMPORAL_TLS: bool.default(false),
  TEMPORAL_TLS_CLIENT_CERT_PATH: optionalString,
  TEMPORAL_TLS_CLIENT_KEY_PATH: optionalString,
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: optionalString,
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  TEMPORAL_UI_URL: optionalString.pipe(z.url().optional()),
  TASKYARD_CORS_ORIGINS: list.default([]),
  TASKYARD_CONSOLE_DIR: optionalString,
  // The console's external URL (links from Temporal back to tasks); a trailing slash is dropped.
  TASKYARD_CONSOLE_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, "")).optional()),
  TASKYARD_WORKER_QUEUES: list.default(["default"]),
  TASKYARD_WORKER_CONCURRENCY: int(1, 10_000).default(10),
  TASKYARD_WORKFLOW_BUNDLE_PATH: optionalString,
  TASKYARD_WORKFLOW_TASK_QUEUE: z.string().trim().min(1).max(200).default("taskyard.workflows"),
  TASKYARD_WORKER_HANDLERS: list.default([]),
  TASKYARD_WORKER_TTL_MS: int(3_000, 3_600_000).default(30_000),
  TASKYARD_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  TASKYARD_TOKEN: optionalString,
  // The server the client commands (`taskyard tasks|queues|types`) talk to; loadClientConfig's default.
  TASKYARD_ADDRESS: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  TASKYARD_WORKER_METRICS_PORT: int(0, 65535).optional(),
  // Temporal's SDK metrics (Prometheus, served by the SDK's own exporter) of `taskyard worker`.
  TASKYARD_WORKER_SDK_METRICS_PORT: int(1, 65535).optional(),
  // How often `serve` re-reads the database-backed gauges (tasks by status, queue depth) at most.
  TASKYARD_METRICS_DB_REFRESH_MS: int(100, 3_600_000).default(15_000),
  TASKYARD_DISPATCH_INTERVAL_MS: int(10, 600_000).default(250),
  TASKYARD_RECONCILE_INTERVAL_MS: int(100, 3_600_000).default(30_000),
  TASKYARD_PROGRESS_INTERVAL_MS: int(0, 600_000).default(1000),
  TASKYARD_SHUTDOWN_GRACE_MS: int(0, 600_000).default(10_000),
  TASKYARD_DATA_DIR: z.string().min(1).default(".data"),
  TEMPORAL_CLI_PATH: optionalString,
  // Authentication and limits (docs/security.md).
  TASKYARD_AUTH_MODE: z.enum(["on", "off"]).optional(),
  TASKYARD_AUTH_JWKS_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  TASKYARD_AUTH_JWKS_FILE: optionalString,
  TASKYARD_AUTH_JWT_ISSUERS: list.default([]),
  TASKYARD_AUTH_JWT_AUDIENCE: list.default([]),
  TASKYARD_AUTH_TENANT_CLAIM: z.string().trim().min(1).default("tenant"),
  TASKYARD_AUTH_ROLES_CLAIM: z.string().trim().min(1).default("roles"),
  TASKYARD_AUTH_PRINCIPAL_CLAIM: z.string().trim().min(1).default("sub"),
  TASKYARD_CREATE_RATE_PER_SECOND: z.coerce.number().min(0).max(1_000_000).default(100),
  TASKYARD_CREATE_BURST: int(1, 1_000_000).default(1000),
  TASKYARD_MAX_STREAMS_PER_CALLER: int(0, 100_000).default(16),
  // OpenTelemetry traces, under the SDK's standard names (docs/tracing.md, config-tracing.ts).
  OTEL_SDK_DISABLED: bool.default(false),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  OTEL_EXPORTER_OTLP_PROTOCOL: otlpProtocol,
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: otlpProtocol,
  OTEL_EXPORTER_OTLP_HEADERS: optionalString,
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: optionalString,
  OTEL_SERVICE_NAME: optionalString,
  OTEL_RESOURCE_ATTRIBUTES: optionalString,
  OTEL_TRACES_SAMPLER: z
    .enum(["always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio"])
    .default("parentbased_always_on"),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional(),
});

export type Env = z.infer<typeof schema>;
