/**
 * Whether the database answers, watched from one place: a `SELECT 1` every `intervalMs` on a
 * connection of its own (not the pool: a pool busy with a heavy load is not a database down),
 * counted as failed when it has not answered within `timeoutMs` — a frozen, unreachable or
 * stopped server. `down` is a signal that aborts when the database goes down, so calls waiting on
 * it can answer UNAVAILABLE at once instead of hanging; a new one is armed when it comes back.
 */
import { setMaxListeners } from "node:events";
import mysql from "mysql2/promise";
import { startProbe } from "../probe.js";

export interface DatabaseAvailability {
  readonly available: boolean;
  /** Aborted while the database is down (replaced by a fresh one when it is back). */
  readonly down: AbortSignal;
  onChange(listener: (available: boolean) => void): void;
  stop(): void;
}

/** Every unary call in flight listens on `down` (and stops when it answers): no listener limit. */
function armed(): AbortController {
  const c = new AbortController();
  setMaxListeners(0, c.signal);
  return c;
}

export function watchDatabase(url: string, opts: { intervalMs: number; timeoutMs: number }): DatabaseAvailability {
  let available = true;
  let down = armed();
  const listeners: Array<(available: boolean) => void> = [];
  let connection: Promise<mysql.Connection> | undefined;

  const set = (next: boolean) => {
    if (next === available) return;
    available = next;
    if (next) down = armed();
    else down.abort(new Error("the database is unavailable"));
    for (const l of listeners) l(next);
  };
  /** Drops the probe connection (a failed or hung one is replaced at the next probe). */
  const forget = () => {
    const c = connection;
    connection = undefined;
    void c?.then((x) => x.destroy(), () => undefined);
  };

  const ping = async (): Promise<boolean> => {
    // An error on the idle connection (the server went away) drops it rather than crashing.
    connection ??= mysql.createConnection({ uri: url, connectTimeout: opts.timeoutMs }).then((c) => c.on("error", forget));
    await (await connection).query("SELECT 1");
    return true;
  };
  const probe = startProbe(ping, opts, (ok) => {
    if (!ok) forget();
    set(ok);
  });

  return {
    get available() {
      return available;
    },
    get down() {
      return down.signal;
    },
    onChange: (l) => void listeners.push(l),
    stop() {
      probe.stop();
      forget();
    },
  };
}
