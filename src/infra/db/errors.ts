/**
 * Driver errors → domain errors, in one place, so services never see SQL error numbers
 * (STYLE.md "One error vocabulary"). Anything unrecognised is rethrown unchanged and ends up
 * as INTERNAL with a generic message.
 */
import { AbortedError, AlreadyExistsError, DomainError, UnavailableError } from "../../domain/errors.js";

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "PROTOCOL_CONNECTION_LOST",
  "ER_CON_COUNT_ERROR",
  "POOL_CLOSED",
]);

export function translateDbError(err: unknown): unknown {
  if (err instanceof DomainError) return err;
  const e = err as { code?: string; errno?: number; driverError?: { code?: string; errno?: number } };
  const code = e?.driverError?.code ?? e?.code;
  const errno = e?.driverError?.errno ?? e?.errno;
  if (errno === 1062 || code === "ER_DUP_ENTRY") return new AlreadyExistsError("the resource already exists", { cause: err });
  if (errno === 1213 || errno === 1205) {
    return new AbortedError("concurrent modification; retry the request", { cause: err });
  }
  if ((code && CONNECTION_CODES.has(code)) || /connect|Connection lost|Pool is closed/i.test(String((err as Error)?.message))) {
    return new UnavailableError("the database is unavailable; retry later", { cause: err });
  }
  return err;
}

/** Runs `fn`, translating driver errors. */
export async function dbCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw translateDbError(err);
  }
}

/** InnoDB chose this transaction as a deadlock victim and rolled it back: safe to run again. */
export function isDeadlock(err: unknown): boolean {
  // Repository calls inside the transaction translate first: the driver error is then the cause.
  const e = (err instanceof AbortedError ? err.cause : err) as { errno?: number; driverError?: { errno?: number } } | undefined;
  return (e?.driverError?.errno ?? e?.errno) === 1213;
}

const DEADLOCK_ATTEMPTS = 4;

/**
 * Runs a transaction, and again (after a short random pause) when InnoDB rolled it back as a
 * deadlock victim — MySQL's own advice ("always be prepared to re-issue a transaction"). Two
 * row-locking writers of one task, e.g. an abort and the handler's progress report, can meet
 * that way; the caller should not see ABORTED for it. `fn` must only touch the database.
 */
export async function transactionWithRetry<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (!isDeadlock(err) || attempt >= DEADLOCK_ATTEMPTS) throw translateDbError(err);
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40 * attempt));
    }
  }
}
