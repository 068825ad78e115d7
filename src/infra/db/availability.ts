/**
 * Whether the database answers, watched from one place: a `SELECT 1` every `intervalMs` through
 * the pool, counted as failed when it has not answered within `timeoutMs` (a frozen or
 * unreachable server, or a pool exhausted by calls it never answers). `down` is a signal that
 * aborts when the database goes down, so calls waiting on it can answer UNAVAILABLE at once
 * instead of hanging; a new one is armed when it comes back.
 */
import type { DataSource } from "typeorm";

export interface DatabaseAvailability {
  readonly available: boolean;
  /** Aborted while the database is down (replaced by a fresh one when it is back). */
  readonly down: AbortSignal;
  onChange(listener: (available: boolean) => void): void;
  stop(): void;
}

export function watchDatabase(dataSource: DataSource, opts: { intervalMs: number; timeoutMs: number }): DatabaseAvailability {
  let available = true;
  let down = new AbortController();
  const listeners: Array<(available: boolean) => void> = [];
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const set = (next: boolean) => {
    if (next === available) return;
    available = next;
    if (next) down = new AbortController();
    else down.abort(new Error("the database is unavailable"));
    for (const l of listeners) l(next);
  };

  const probe = async () => {
    let timeout: NodeJS.Timeout | undefined;
    const ok = await Promise.race([
      dataSource.query("SELECT 1").then(() => true, () => false),
      new Promise<boolean>((resolve) => (timeout = setTimeout(() => resolve(false), opts.timeoutMs))),
    ]);
    clearTimeout(timeout);
    if (stopped) return;
    set(ok);
    timer = setTimeout(() => void probe(), opts.intervalMs);
    timer.unref();
  };
  timer = setTimeout(() => void probe(), opts.intervalMs);
  timer.unref();

  return {
    get available() {
      return available;
    },
    get down() {
      return down.signal;
    },
    onChange: (l) => void listeners.push(l),
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
