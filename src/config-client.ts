/**
 * The client commands' configuration (`taskyard tasks|queues|types`), apart from the server's:
 * the same schema, only their own variables.
 */
import { ConfigError } from "./config.js";
import { schema } from "./config-schema.js";

/** What the client commands (`taskyard tasks|queues|types`) read. */
export type ClientConfig = Readonly<{
  /** The API, e.g. http://localhost:8080 (`npm run dev`) or https://taskyard.example.com. */
  address: string;
  /** API key or JWT sent as a Bearer credential. */
  token: string | undefined;
}>;

const CLIENT_VARIABLES = ["TASKYARD_ADDRESS", "TASKYARD_TOKEN"] as const;

/**
 * The client commands' config: only their own variables are validated, so a laptop talking to a
 * remote server needs none of the server's (and a bad server variable does not stop the CLI).
 */
export function loadClientConfig(env: Record<string, string | undefined> = process.env): ClientConfig {
  const input = Object.fromEntries(CLIENT_VARIABLES.map((k) => [k, env[k] === "" ? undefined : env[k]]));
  const parsed = schema.pick({ TASKYARD_ADDRESS: true, TASKYARD_TOKEN: true }).safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message} (got ${JSON.stringify(input[String(i.path[0])])})`));
  }
  return Object.freeze({ address: parsed.data.TASKYARD_ADDRESS ?? "http://localhost:8080", token: parsed.data.TASKYARD_TOKEN });
}
