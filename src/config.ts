/**
 * Configuration: the ONLY module that reads environment variables. `loadConfig` is pure:
 * it validates everything at once, throws one ConfigError listing every bad variable, and
 * returns a frozen object. Temporal settings use the SDK's own names so the Helm chart, the
 * Temporal CLI and this service agree.
 */
import { schema, type Env } from "./config-schema.js";
import { tracingConfig, type TracingConfig } from "./config-tracing.js";


export type Config = Readonly<{
  /** Listen address; unset: 0.0.0.0 (serve, worker), 127.0.0.1 for `dev` with authentication off. */
  host: string | undefined;
  port: number;
  logLevel: Env["LOG_LEVEL"];
  /** Level of the access line logged for every RPC; `silent`: none. */
  accessLogLevel: Env["TASKYARD_ACCESS_LOG_LEVEL"];
  /** `serve` reads the database-backed gauges (tasks by status, queue depth and oldest wait) at most this often. */
  metricsDbRefreshMs: number;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  /** `serve` probes the database this often; unanswered within the timeout = down: RPCs answer UNAVAILABLE, health NOT_SERVING. */
  databaseProbe: Readonly<{ intervalMs: number; timeoutMs: number }>;
  migrateOnStart: boolean;
  temporal: Readonly<{
    address: string | undefined;
    namespace: string;
    apiKey: string | undefined;
    tls: boolean;
    clientCertPath: string | undefined;
    clientKeyPath: string | undefined;
    serverCaCertPath: string | undefined;
    serverName: string | undefined;
    uiUrl: string | undefined;
    cliPath: string | undefined;
  }>;
  corsOrigins: readonly string[];
  /** The built web console served at /console; unset = the package's dist/console. */
  consoleDir: string | undefined;
  /** The console's external base URL (no trailing slash), e.g. https://taskyard.example.com/console; unset: no links to it. */
  consoleUrl: string | undefined;
  worker: Readonly<{
    /** Taskyard queues a worker serves; `*` = every queue of the tenant. */
    queues: readonly string[];
    /** Whether TASKYARD_WORKER_QUEUES was set (`dev` serves every queue otherwise). */
    queuesSet: boolean;
    concurrency: number;
    workflowBundlePath: string | undefined;
    /** When set, the worker serves GET /metrics and GET /healthz over HTTP on this port. */
    metricsPort: number | undefined;
    /** When set, Temporal's SDK serves its own Prometheus metrics (temporal_*) at /metrics on this port. */
    sdkMetricsPort: number | undefined;
    /** Handler modules `taskyard worker` loads (empty: the built-in demo handlers). */
    handlers: readonly string[];
    /** Taskyard's API, for `taskyard worker` (workers never see MySQL). */
    apiUrl: string | undefined;
    /** The worker credential (API key or JWT with role `worker`). */
    token: string | undefined;
  }>;
  /** The Temporal task queue of taskWorkflow and its bookkeeping activities (served by `serve`). */
  workflowTaskQueue: string;
  /** A worker not heard from for this long no longer counts as online; it re-registers every third of it. */
  workerTtlMs: number;
  dispatchIntervalMs: number;
  reconcileIntervalMs: number;
  progressIntervalMs: number;
  shutdownGraceMs: number;
  dataDir: string;
  auth: Readonly<{
    /** undefined = the command's default: on for `serve`, off for `dev`. */
    mode: "on" | "off" | undefined;
    jwksUrl: string | undefined;
    jwksFile: string | undefined;
    issuers: readonly string[];
    audiences: readonly string[];
    claims: Readonly<{ tenant: string; roles: string; principal: string }>;
  }>;
  limits: Readonly<{
    /** Tasks each tenant may create per second (token bucket in MySQL, all replicas together); 0 = unlimited. */
    createRatePerSecond: number;
    createBurst: number;
    /** Open WatchTask / WatchTasks / WaitTask / reflection calls per caller (per replica); 0 = unlimited. */
    maxStreamsPerCaller: number;
  }>;
  /** OpenTelemetry traces (OTEL_* variables); off unless an OTLP endpoint is set. */
  tracing: TracingConfig;
}>;

/** Thrown once with every invalid variable; the message names each of them. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings count as unset, so `FOO=` in a .env or a chart falls back to the default.
  const input = Object.fromEntries(
    Object.keys(schema.shape).map((k) => [k, env[k] === "" ? undefined : env[k]]),
  );
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message} (got ${JSON.stringify(input[String(i.path[0])])})`),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (Boolean(e.TEMPORAL_TLS_CLIENT_CERT_PATH) !== Boolean(e.TEMPORAL_TLS_CLIENT_KEY_PATH)) {
    problems.push("TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH must be set together");
  }
  if (e.TASKYARD_WORKER_QUEUES.length === 0) problems.push("TASKYARD_WORKER_QUEUES: must name at least one queue");
  problems.push(...authProblems(e));
  const { tracing, problems: tracingProblems } = tracingConfig(e);
  problems.push(...tracingProblems);
  if (problems.length > 0) throw new ConfigError(problems);

  return Object.freeze({
    host: e.TASKYARD_HOST,
    port: e.TASKYARD_PORT,
    logLevel: e.LOG_LEVEL,
    accessLogLevel: e.TASKYARD_ACCESS_LOG_LEVEL,
    metricsDbRefreshMs: e.TASKYARD_METRICS_DB_REFRESH_MS,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databaseProbe: Object.freeze({ intervalMs: e.DATABASE_PROBE_INTERVAL_MS, timeoutMs: e.DATABASE_PROBE_TIMEOUT_MS }),
    migrateOnStart: e.TASKYARD_MIGRATE_ON_START,
    temporal: Object.freeze({
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      apiKey: e.TEMPORAL_API_KEY,
      // An API key only travels over TLS (Temporal Cloud), so it implies TLS.
      tls: e.TEMPORAL_TLS || e.TEMPORAL_API_KEY !== undefined || e.TEMPORAL_TLS_CLIENT_CERT_PATH !== undefined,
      clientCertPath: e.TEMPORAL_TLS_CLIENT_CERT_PATH,
      clientKeyPath: e.TEMPORAL_TLS_CLIENT_KEY_PATH,
      serverCaCertPath: e.TEMPORAL_TLS_SERVER_CA_CERT_PATH,
      serverName: e.TEMPORAL_TLS_SERVER_NAME,
      uiUrl: e.TEMPORAL_UI_URL,
      cliPath: e.TEMPORAL_CLI_PATH,
    }),
    corsOrigins: Object.freeze([...e.TASKYARD_CORS_ORIGINS]),
    consoleDir: e.TASKYARD_CONSOLE_DIR,
    consoleUrl: e.TASKYARD_CONSOLE_URL,
    worker: Object.freeze({
      queues: Object.freeze([...e.TASKYARD_WORKER_QUEUES]),
      queuesSet: input.TASKYARD_WORKER_QUEUES !== undefined,
      concurrency: e.TASKYARD_WORKER_CONCURRENCY,
      workflowBundlePath: e.TASKYARD_WORKFLOW_BUNDLE_PATH,
      metricsPort: e.TASKYARD_WORKER_METRICS_PORT,
      sdkMetricsPort: e.TASKYARD_WORKER_SDK_METRICS_PORT,
      handlers: Object.freeze([...e.TASKYARD_WORKER_HANDLERS]),
      apiUrl: e.TASKYARD_URL,
      token: e.TASKYARD_TOKEN,
    }),
    workflowTaskQueue: e.TASKYARD_WORKFLOW_TASK_QUEUE,
    workerTtlMs: e.TASKYARD_WORKER_TTL_MS,
    dispatchIntervalMs: e.TASKYARD_DISPATCH_INTERVAL_MS,
    reconcileIntervalMs: e.TASKYARD_RECONCILE_INTERVAL_MS,
    progressIntervalMs: e.TASKYARD_PROGRESS_INTERVAL_MS,
    shutdownGraceMs: e.TASKYARD_SHUTDOWN_GRACE_MS,
    dataDir: e.TASKYARD_DATA_DIR,
    auth: Object.freeze({
      mode: e.TASKYARD_AUTH_MODE,
      jwksUrl: e.TASKYARD_AUTH_JWKS_URL,
      jwksFile: e.TASKYARD_AUTH_JWKS_FILE,
      issuers: Object.freeze([...e.TASKYARD_AUTH_JWT_ISSUERS]),
      audiences: Object.freeze([...e.TASKYARD_AUTH_JWT_AUDIENCE]),
      claims: Object.freeze({ tenant: e.TASKYARD_AUTH_TENANT_CLAIM, roles: e.TASKYARD_AUTH_ROLES_CLAIM, principal: e.TASKYARD_AUTH_PRINCIPAL_CLAIM }),
    }),
    limits: Object.freeze({
      createRatePerSecond: e.TASKYARD_CREATE_RATE_PER_SECOND,
      createBurst: e.TASKYARD_CREATE_BURST,
      maxStreamsPerCaller: e.TASKYARD_MAX_STREAMS_PER_CALLER,
    }),
    tracing,
  });
}

/**
 * JWTs are accepted only with a key source, at least one issuer and one audience: a token minted
 * for another application of the same identity provider must not work here. Keys are fetched
 * over HTTPS, except from loopback (a sidecar or a test).
 */
function authProblems(e: Env): string[] {
  const problems: string[] = [];
  const keySource = e.TASKYARD_AUTH_JWKS_URL !== undefined || e.TASKYARD_AUTH_JWKS_FILE !== undefined;
  if (keySource && e.TASKYARD_AUTH_JWT_ISSUERS.length === 0) problems.push("TASKYARD_AUTH_JWT_ISSUERS: must name the accepted token issuers when a JWKS URL or file is set");
  if (keySource && e.TASKYARD_AUTH_JWT_AUDIENCE.length === 0) problems.push("TASKYARD_AUTH_JWT_AUDIENCE: must name the accepted token audience when a JWKS URL or file is set");
  if (!keySource && (e.TASKYARD_AUTH_JWT_ISSUERS.length > 0 || e.TASKYARD_AUTH_JWT_AUDIENCE.length > 0)) {
    problems.push("TASKYARD_AUTH_JWKS_URL: set it (or TASKYARD_AUTH_JWKS_FILE) so tokens of the configured issuers can be verified");
  }
  if (e.TASKYARD_AUTH_JWKS_URL) {
    const url = new URL(e.TASKYARD_AUTH_JWKS_URL);
    const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
    if (url.protocol !== "https:" && !loopback) problems.push(`TASKYARD_AUTH_JWKS_URL: must be an https:// URL (got ${JSON.stringify(e.TASKYARD_AUTH_JWKS_URL)})`);
  }
  return problems;
}

/** Every variable `loadConfig` reads, for `--help` and the README. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);
