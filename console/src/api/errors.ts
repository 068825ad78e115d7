/**
 * Errors in words: the gRPC code, the server's message, and the request field it names
 * (Taskyard's INVALID_ARGUMENT messages start with the field path: `task.params.n: must be integer`).
 */
import { Code, ConnectError } from "@connectrpc/connect";

export interface DescribedError {
  /** e.g. `INVALID_ARGUMENT`. */
  code: string;
  /** The message without the field prefix. */
  message: string;
  /** The field path, when the message names one. */
  field?: string;
}

const FIELD_PREFIX = /^([a-z_][a-z0-9_]*(?:(?:\.[a-z0-9_]+)|(?:\[\d+\]))*): (.+)$/is;

export function describeError(err: unknown): DescribedError {
  const e = ConnectError.from(err);
  // fetch() itself failed (server down, CORS refused): connect-web reports it as UNKNOWN.
  if (e.code === Code.Unknown && /fetch|network|load failed/i.test(e.rawMessage)) {
    return { code: "UNAVAILABLE", message: `cannot reach the Taskyard API (${e.rawMessage})` };
  }
  const code = codeName(e.code);
  const text = e.rawMessage || (e.code === Code.Unknown ? "the server did not answer as expected" : code.toLowerCase());
  const m = FIELD_PREFIX.exec(text);
  return m ? { code, field: m[1]!, message: m[2]! } : { code, message: text };
}

export function codeName(code: Code): string {
  return (Code[code] ?? "UNKNOWN").replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
}

export function isUnauthenticated(err: unknown): boolean {
  return err instanceof ConnectError && err.code === Code.Unauthenticated;
}
