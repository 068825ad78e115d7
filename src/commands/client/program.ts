/**
 * The client commands — `taskyard tasks|queues|types|completion` — as one commander program:
 * a client of a running server (gRPC by default), unlike serve/worker/migrate/dev/apikey, which
 * cli.ts parses itself. Every command has --help; exit codes are in exit-codes.ts.
 */
import { Command, CommanderError } from "commander";
import type { ClientConfig } from "../../config-client.js";
import { ConfigError } from "../../config.js";
import { bashCompletion, zshCompletion } from "./completion.js";
import { addGlobalOptions, openSession } from "./connection.js";
import type { Context } from "./context.js";
import { describeError } from "./errors.js";
import { EXIT } from "./exit-codes.js";
import { addQueueCommands } from "./queues.js";
import { addTaskControlCommands } from "./tasks-control.js";
import { addTaskWatchCommands } from "./tasks-watch.js";
import { addTaskCommands } from "./tasks.js";
import { addTypeCommands } from "./types.js";

/** The client commands and what they do, for cli.ts's usage. */
export const CLIENT_COMMANDS: Record<string, string> = {
  tasks: "create, get, list, watch (live progress bars), wait, cancel, retry, events — against a running server (--address / TASKYARD_ADDRESS, --token / TASKYARD_TOKEN)",
  queues: "list, get, stats, pause, resume, entries, move",
  types: "list the task types workers registered",
  completion: "prints a bash or zsh completion script: source <(taskyard completion bash)",
};

/** Whether `argv` names a client command; global flags may come first (`--json tasks list`). */
export function isClientCommand(argv: readonly string[]): boolean {
  const valued = new Set(addGlobalOptions(new Command()).options.flatMap((o) => (o.required || o.optional) && o.long ? [o.long] : []));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("-")) return arg in CLIENT_COMMANDS;
    if (valued.has(arg)) i++;
  }
  return false;
}

export interface ClientCommandOptions {
  /** Read lazily, so --help and completion work whatever the environment holds. */
  config: () => ClientConfig;
  /** The other top-level commands (serve, worker …), offered by shell completion too. */
  otherCommands?: Record<string, string>;
}

export async function runClientCommand(argv: string[], options: ClientCommandOptions): Promise<number> {
  let exitCode: number = EXIT.OK;
  let address: string | undefined;
  const ctx: Context = {
    print: (text) => void process.stdout.write(text),
    action: (fn) =>
      async function (this: Command) {
        const session = openSession(this, options.config());
        address = session.address;
        try {
          exitCode = (await fn(session, this)) ?? EXIT.OK;
        } finally {
          session.client.close();
        }
      },
  };
  const program = buildProgram(ctx, options);
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    if (err instanceof ConfigError) throw err; // cli.ts: exit 78 with the variable named
    process.stderr.write(describeError(err, address));
    return EXIT.FAILED;
  }
}

export function buildProgram(ctx: Context, options: Pick<ClientCommandOptions, "otherCommands">): Command {
  const program = addGlobalOptions(new Command("taskyard"))
    .description("Taskyard's client commands: talk to a running server")
    .exitOverride()
    .showHelpAfterError("(add --help for usage)")
    .configureHelp({ showGlobalOptions: true, sortOptions: false })
    .configureOutput({ outputError: (text, write) => write(text.startsWith("taskyard: ") ? text : `taskyard: ${text.replace(/^error: /, "")}`) });
  // Subcommands inherit exitOverride and the output settings from where they are added.
  const group = (name: string) => program.command(name).description(CLIENT_COMMANDS[name]!);
  const tasks = group("tasks");
  addTaskCommands(tasks, ctx);
  addTaskControlCommands(tasks, ctx);
  addTaskWatchCommands(tasks, ctx);
  addQueueCommands(group("queues"), ctx);
  addTypeCommands(group("types"), ctx);
  const other = Object.entries(options.otherCommands ?? {}).filter(([name]) => !(name in CLIENT_COMMANDS));
  const completion = group("completion");
  completion
    .command("bash")
    .description("bash completion script")
    .action(() => ctx.print(bashCompletion(program, other)));
  completion
    .command("zsh")
    .description("zsh completion script")
    .action(() => ctx.print(zshCompletion(program, other)));
  return program;
}
