/**
 * `taskyard tasks watch|wait`: follow tasks until every one is terminal, and exit with a code
 * that says how they ended (exit-codes.ts). watch streams WatchTask per task and draws bars;
 * wait long-polls WaitTask and prints the end state only.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import type { Command } from "commander";
import { TaskSchema, TaskStatus, type Task } from "../../gen/taskyard/v1/task_pb.js";
import type { NodeTaskyardClient } from "../../client/index.js";
import { statusName } from "../../client/status.js";
import type { Context } from "./context.js";
import { EXIT, EXIT_CODES_HELP, outcomeCode } from "./exit-codes.js";
import { json, progressText, table } from "./output.js";
import { durationMs } from "./parse.js";
import { barsView, jsonView, linesView, type WatchView } from "./watch-views.js";

const FILTER_LIMIT = 500;

export function addTaskWatchCommands(tasks: Command, ctx: Context): void {
  tasks
    .command("watch")
    .description("live progress bars (one per task) until every task is terminal; plain lines when stdout is not a terminal, NDJSON with --json")
    .argument("[id...]", "task ids")
    .option("--filter <aip160>", `watch the tasks this AIP-160 filter selects now (at most ${FILTER_LIMIT}), e.g. 'labels.batch = "b7"'`)
    .addHelpText("after", EXIT_CODES_HELP)
    .action(
      ctx.action(async ({ client, json: asJson }, cmd) => {
        const ids = await targetIds(client, cmd);
        if (ids.length === 0) {
          process.stderr.write("taskyard: no tasks match the filter\n");
          return EXIT.OK;
        }
        const view: WatchView = asJson ? jsonView(ctx.print) : process.stdout.isTTY ? barsView(ids, process.stdout) : linesView(ctx.print);
        const finals = await untilInterrupted((signal) => watchAll(client, ids, view, signal)).finally(() => view.stop());
        if (finals === undefined) return EXIT.INTERRUPTED;
        if (!asJson) ctx.print(summary(finals));
        return outcomeCode(finals);
      }),
    );

  tasks
    .command("wait")
    .description("wait until every task is terminal (WaitTask long-polls), then print how each ended")
    .argument("<id...>", "task ids")
    .option("--timeout <duration>", "give up after this long (30s, 5m, 1h; default: no limit), exit 4")
    .addHelpText("after", EXIT_CODES_HELP)
    .action(
      ctx.action(async ({ client, json: asJson }, cmd) => {
        const ids = cmd.processedArgs[0] as string[];
        const raw = cmd.opts().timeout as string | undefined;
        let timeoutMs: number | undefined;
        try {
          timeoutMs = raw === undefined ? undefined : durationMs(raw);
        } catch (err) {
          cmd.error(`taskyard: --timeout: ${(err as Error).message}`, { exitCode: EXIT.USAGE });
        }
        let timedOut = false;
        const finals = await untilInterrupted((signal) =>
          Promise.all(
            ids.map((id) =>
              client.waitFor(id, { timeoutMs, signal }).catch(async (err: unknown) => {
                if (ConnectError.from(err).code !== Code.DeadlineExceeded) throw err;
                timedOut = true;
                return client.tasks.getTask({ id }, { signal });
              }),
            ),
          ),
        );
        if (finals === undefined) return EXIT.INTERRUPTED;
        ctx.print(asJson ? finals.map((t) => json(TaskSchema, t, true)).join("") : endTable(finals));
        if (timedOut) process.stderr.write(`taskyard: not every task finished within ${raw}\n`);
        return timedOut ? EXIT.TIMEOUT : outcomeCode(finals);
      }),
    );
}

async function targetIds(client: NodeTaskyardClient, cmd: Command): Promise<string[]> {
  const ids = cmd.processedArgs[0] as string[];
  const filter = cmd.opts().filter as string | undefined;
  if (ids.length > 0 && filter) cmd.error("taskyard: give task ids or --filter, not both", { exitCode: EXIT.USAGE });
  if (ids.length === 0 && !filter) cmd.error("taskyard: give task ids or --filter", { exitCode: EXIT.USAGE });
  if (!filter) return [...new Set(ids)];
  const page = await client.tasks.listTasks({ filter, pageSize: FILTER_LIMIT });
  if (page.nextPageToken) process.stderr.write(`taskyard: the filter selects ${page.totalSize} tasks; watching the newest ${FILTER_LIMIT}\n`);
  return page.tasks.map((t) => t.id);
}

/** Each task's WatchTask stream into the view; the first failure stops the others. */
async function watchAll(client: NodeTaskyardClient, ids: readonly string[], view: WatchView, signal: AbortSignal): Promise<Task[]> {
  const abort = new AbortController();
  const both = AbortSignal.any([signal, abort.signal]);
  const one = async (id: string): Promise<Task> => {
    let last: Task | undefined;
    for await (const t of client.watch(id, { signal: both })) {
      last = t;
      view.update(t);
    }
    if (!last) throw new ConnectError(`the watch of task "${id}" ended without a snapshot`, Code.Unavailable);
    return last;
  };
  try {
    return await Promise.all(ids.map(one));
  } catch (err) {
    abort.abort();
    throw err;
  }
}

/** Runs `fn` with a signal that Ctrl-C aborts; undefined when it was interrupted. */
async function untilInterrupted<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once("SIGINT", onSigint);
  try {
    return await fn(abort.signal);
  } catch (err) {
    if (abort.signal.aborted) return undefined;
    throw err;
  } finally {
    process.off("SIGINT", onSigint);
  }
}

function summary(finals: Task[]): string {
  const counts = new Map<string, number>();
  for (const t of finals) counts.set(statusName(t.status), (counts.get(statusName(t.status)) ?? 0) + 1);
  const problems = finals
    .filter((t) => t.status !== TaskStatus.COMPLETED)
    .map((t) => `  ${t.id}  ${statusName(t.status)}${t.error ? `  ${t.error.code}: ${t.error.message}` : t.statusMessage ? `  ${t.statusMessage}` : ""}\n`)
    .join("");
  return `${finals.length} task${finals.length === 1 ? "" : "s"}: ${[...counts].map(([s, n]) => `${n} ${s}`).join(", ")}\n${problems}`;
}

function endTable(finals: Task[]): string {
  return table(
    ["ID", "STATUS", "PROGRESS", "MESSAGE"],
    finals.map((t) => [t.id, statusName(t.status), progressText(t.progress), t.error ? `${t.error.code}: ${t.error.message}` : t.statusMessage]),
  );
}
