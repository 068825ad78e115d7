/**
 * Configuration: the ONLY module that reads environment variables. `loadConfig` is pure:
 * it validates everything at once, throws one ConfigError listing every bad variable, and
 * returns a frozen object. Temporal settings use the SDK's own names so the Helm chart, the
 * Temporal CLI and this service agree.
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

const schema = z.object({
  TASKYARD_HOST: z.string().min(1).default("0.0.0.0"),
  TASKYARD_PORT: int(0, 65535).default(8080),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^(mysql|mariadb):\/\//, "must be a mysql:// URL, e.g. mysql://user:pass@host:3306/taskyard")
      .optional(),
  ),
  DATABASE_POOL_SIZE: int(1, 500).default(10),
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
  TASKYARD_WORKER_QUEUES: list.default(["default"]),
  TASKYARD_WORKER_CONCURRENCY: int(1, 10_000).default(10),
  TASKYARD_WORKFLOW_BUNDLE_PATH: optionalString,
  TASKYARD_DISPATCH_INTERVAL_MS: int(10, 600_000).default(1000),
  TASKYARD_RECONCILE_INTERVAL_MS: int(100, 3_600_000).default(30_000),
  TASKYARD_PROGRESS_INTERVAL_MS: int(0, 600_000).default(1000),
  TASKYARD_SHUTDOWN_GRACE_MS: int(0, 600_000).default(10_000),
  TASKYARD_DATA_DIR: z.string().min(1).default(".data"),
  TEMPORAL_CLI_PATH: optionalString,
});

export type Config = Readonly<{
  host: string;
  port: number;
  logLevel: z.infer<typeof schema>["LOG_LEVEL"];
  databaseUrl: string | undefined;
  databasePoolSize: number;
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
  worker: Readonly<{
    queues: readonly string[];
    concurrency: number;
    workflowBundlePath: string | undefined;
  }>;
  dispatchIntervalMs: number;
  reconcileIntervalMs: number;
  progressIntervalMs: number;
  shutdownGraceMs: number;
  dataDir: string;
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
  if (problems.length > 0) throw new ConfigError(problems);

  return Object.freeze({
    host: e.TASKYARD_HOST,
    port: e.TASKYARD_PORT,
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
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
    worker: Object.freeze({
      queues: Object.freeze([...e.TASKYARD_WORKER_QUEUES]),
      concurrency: e.TASKYARD_WORKER_CONCURRENCY,
      workflowBundlePath: e.TASKYARD_WORKFLOW_BUNDLE_PATH,
    }),
    dispatchIntervalMs: e.TASKYARD_DISPATCH_INTERVAL_MS,
    reconcileIntervalMs: e.TASKYARD_RECONCILE_INTERVAL_MS,
    progressIntervalMs: e.TASKYARD_PROGRESS_INTERVAL_MS,
    shutdownGraceMs: e.TASKYARD_SHUTDOWN_GRACE_MS,
    dataDir: e.TASKYARD_DATA_DIR,
  });
}

/** Every variable `loadConfig` reads, for `--help` and the README. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);
