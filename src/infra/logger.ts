/**
 * The process logger (pino, JSON lines on stdout). Secrets in known places are redacted. Every
 * line also carries the fields of the unit of work it is written in (log-context.ts: request
 * id, tenant, principal, procedure, task id), children of this logger included.
 */
import { pino, type DestinationStream, type Logger } from "pino";
import { currentLogFields } from "./log-context.js";

/** `destination`: stdout unless given (tests capture lines). */
export function createLogger(level: string, name = "taskyard", destination?: DestinationStream): Logger {
  const options = {
    name,
    level,
    redact: ["databaseUrl", "config.databaseUrl", "config.temporal.apiKey", "req.headers.authorization"],
    // The fields a log call passes itself win over the scope's (pino's default merge).
    mixin: currentLogFields,
  };
  return destination ? pino(options, destination) : pino(options);
}
