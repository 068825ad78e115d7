#!/usr/bin/env node
/**
 * `taskyard <serve|worker|migrate|dev|apikey>`: the composition root of every role. Reads the config
 * once; an invalid value stops start-up with a message naming the variable. The client commands
 * (`tasks`, `queues`, `types`, `completion`) are a commander program of their own
 * (src/commands/client), reading only the client config.
 */
import { parseArgs } from "node:util";
import { loadClientConfig } from "./config-client.js";
import { CONFIG_VARIABLES, ConfigError, loadConfig } from "./config.js";
import { APIKEY_USAGE, runApiKey } from "./commands/apikey.js";
import { CLIENT_COMMANDS, isClientCommand, runClientCommand } from "./commands/client/program.js";
import { StartupError } from "./commands/shared.js";
import { LocalServiceError } from "./infra/local/binaries.js";
import { createLogger } from "./infra/logger.js";

const COMMANDS: Record<string, string> = {
  serve: "API server: TaskService, QueueService, WorkerService, grpc.health.v1, reflection on ONE port (gRPC h2c, gRPC-Web, Connect JSON/binary); runs the dispatcher, the reconciler and the workflow host (taskWorkflow)",
  worker: "runs task handlers (the TypeScript worker kit): the handler modules of --handlers or TASKYARD_WORKER_HANDLERS (default: the built-in demo handlers) for the queues of --queues or TASKYARD_WORKER_QUEUES (--all-queues or `*`: every queue of the tenant, new ones included), against Taskyard's API (TASKYARD_URL, TASKYARD_TOKEN with role worker) and Temporal; never the database",
  migrate: "applies pending database migrations, then exits",
  apikey: "creates, lists and revokes API keys straight in the database, e.g. a tenant's first admin key (create|list|revoke)",
  dev: "everything in one process for a laptop: private MariaDB and Temporal dev server (UI on :8233) when DATABASE_URL / TEMPORAL_ADDRESS are unset, migrations, API on :8080, worker with demo handlers",
  ...CLIENT_COMMANDS,
};

function usage(command?: string): string {
  const head = command
    ? command === "apikey"
      ? `${APIKEY_USAGE}\n${COMMANDS[command]}\n`
      : `Usage: taskyard ${command}${command === "worker" ? " [--handlers ./dist/handlers.js[,more]] [--queues a,b | --all-queues]" : ""}\n\n${COMMANDS[command]}\n`
    : `Usage: taskyard <command> [options]\n\nCommands:\n${Object.entries(COMMANDS)
        .map(([name, text]) => `  ${name.padEnd(10)} ${text}`)
        .join("\n")}\n\nRun \`taskyard <command> --help\` for one command.\n`;
  return `${head}\nConfiguration (environment variables; see README.md for meanings and defaults):\n  ${CONFIG_VARIABLES.join("\n  ")}\n`;
}

async function main(argv: string[]): Promise<number> {
  if (isClientCommand(argv)) {
    return runClientCommand(argv, { config: () => loadClientConfig(process.env), otherCommands: COMMANDS });
  }
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: "boolean", short: "h" },
      queues: { type: "string" },
      handlers: { type: "string" },
      "all-queues": { type: "boolean" },
      // taskyard apikey
      tenant: { type: "string" },
      role: { type: "string" },
      name: { type: "string" },
      expires: { type: "string" },
      all: { type: "boolean" },
    },
  });
  const command = positionals[0];
  if (!command || command === "help") {
    process.stdout.write(usage());
    return command ? 0 : values.help ? 0 : 2;
  }
  if (!(command in COMMANDS)) {
    process.stderr.write(`taskyard: unknown command "${command}"\n\n${usage()}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(usage(command));
    return 0;
  }
  // The roles load on demand: the client commands above start without the server's modules.
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel).child({ role: command });
  const listOf = (v: string | undefined) => v?.split(",").map((q) => q.trim()).filter(Boolean);
  const queues = listOf(values.queues);
  const handlers = listOf(values.handlers);
  switch (command) {
    case "serve":
      await (await import("./commands/serve.js")).runServe(config, logger);
      break;
    case "worker":
      await (await import("./commands/worker.js")).runWorker(config, logger, { queues: values["all-queues"] ? ["*"] : queues?.length ? queues : undefined, handlers });
      break;
    case "migrate":
      await (await import("./commands/migrate.js")).runMigrate(config, logger);
      break;
    case "dev":
      await (await import("./commands/dev.js")).runDev(config, logger);
      break;
    case "apikey":
      return runApiKey(config, logger, { ...values, positionals: positionals.slice(1) });
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof StartupError || err instanceof LocalServiceError) {
      process.stderr.write(`taskyard: ${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    if (err instanceof TypeError && (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      process.stderr.write(`taskyard: ${err.message}\n\n${usage()}`);
      process.exit(2);
    }
    process.stderr.write(`taskyard: fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
