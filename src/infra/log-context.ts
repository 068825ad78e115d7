/**
 * Fields every log line written inside a unit of work carries — an RPC (request id, procedure,
 * tenant, principal, task id: rpc/request-context.ts) or a background step about one task (the
 * dispatcher's start, a reconciler repair). The logger (logger.ts) merges them into each line
 * through pino's `mixin`, so code deeper down logging through the shared logger gets them
 * without being handed a child logger. AsyncLocalStorage carries the scope across awaits.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface LogScope {
  /** The fields now: a fresh object per call (pino merges into it). */
  fields(): Record<string, unknown>;
}

const storage = new AsyncLocalStorage<LogScope>();

/** Runs `fn` (and everything it awaits or schedules) inside `scope`. */
export function runInLogScope<T>(scope: LogScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/** The scope `fn` runs in now, if any (to resume it later, e.g. for each step of a stream). */
export function currentLogScope(): LogScope | undefined {
  return storage.getStore();
}

/** The fields of the current scope (empty outside one). */
export function currentLogFields(): Record<string, unknown> {
  return storage.getStore()?.fields() ?? {};
}

/** Runs `fn` with `fields` added to those of the current scope (later fields win). */
export function withLogFields<T>(fields: Record<string, unknown>, fn: () => T): T {
  const parent = storage.getStore();
  return storage.run({ fields: () => ({ ...parent?.fields(), ...fields }) }, fn);
}

/**
 * Runs `fn` outside any scope: for work that merely happens to be triggered from inside one and
 * is not about it (a dispatch pass woken by a CreateTask must not carry that call's request id).
 */
export function outsideLogScope<T>(fn: () => T): T {
  return storage.exit(fn);
}
