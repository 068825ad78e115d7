/** What every command group gets from the program: a way to run an action against the server. */
import type { Command } from "commander";
import type { Session } from "./connection.js";

export type Action = (session: Session, cmd: Command) => Promise<number | void>;

export interface Context {
  /** Wraps an action for commander: opens the session, runs it, keeps its exit code, closes the client. */
  action(fn: Action): (...args: unknown[]) => Promise<void>;
  /** Writes to stdout (human output and --json). */
  print(text: string): void;
}
