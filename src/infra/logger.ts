/** The process logger (pino, JSON lines on stdout). Secrets in known places are redacted. */
import { pino, type Logger } from "pino";

export function createLogger(level: string, name = "taskyard"): Logger {
  return pino({
    name,
    level,
    redact: ["databaseUrl", "config.databaseUrl", "config.temporal.apiKey", "req.headers.authorization"],
  });
}
