/** `taskyard tasks cancel|retry|events`. */
import type { Command } from "commander";
import { ListTaskEventsResponseSchema } from "../../gen/taskyard/v1/task_service_pb.js";
import { TaskSchema, TaskStatus, type Task } from "../../gen/taskyard/v1/task_pb.js";
import { statusName } from "../../client/status.js";
import type { Context } from "./context.js";
import { json, statusText, table, time } from "./output.js";
import { integer } from "./parse.js";

export function addTaskControlCommands(tasks: Command, ctx: Context): void {
  tasks
    .command("cancel")
    .description("abort tasks: queued ones end CANCELLED at once, running ones go CANCELLING until their handler has cleaned up")
    .argument("<id...>", "task ids")
    .option("--reason <text>", "why (recorded in the history)")
    .option("--force", "(admin) terminate the execution at once, even in a commit phase")
    .action(
      ctx.action(async ({ client, json: asJson }, cmd) => {
        const o = cmd.opts();
        const done: Task[] = [];
        for (const id of cmd.processedArgs[0] as string[]) done.push(await client.tasks.cancelTask({ id, reason: o.reason ?? "", force: Boolean(o.force) }));
        ctx.print(asJson ? done.map((t) => json(TaskSchema, t, true)).join("") : done.map((t) => `${t.id}  ${statusText(t)}\n`).join(""));
      }),
    );

  tasks
    .command("retry")
    .description("queue FAILED, CANCELLED or COMPLETED_WITH_ERRORS tasks again as their next attempt")
    .argument("<id...>", "task ids")
    .option("--reason <text>", "why (recorded in the history)")
    .option("--force", "retry even when the error was marked not retryable")
    .option("--failed-items-only", "(COMPLETED_WITH_ERRORS) create a new task with only the failed items; prints the new task")
    .action(
      ctx.action(async ({ client, json: asJson }, cmd) => {
        const o = cmd.opts();
        const done: Task[] = [];
        for (const id of cmd.processedArgs[0] as string[]) {
          done.push(await client.tasks.retryTask({ id, reason: o.reason ?? "", force: Boolean(o.force), failedItemsOnly: Boolean(o.failedItemsOnly) }));
        }
        ctx.print(asJson ? done.map((t) => json(TaskSchema, t, true)).join("") : done.map((t) => `${t.id}  ${statusText(t)}  attempt ${t.attempt}\n`).join(""));
      }),
    );

  tasks
    .command("events")
    .description("a task's status history, oldest first")
    .argument("<id>", "task id")
    .option("--page-size <n>", "1–500 (default 100)", integer(1, 500))
    .option("--page-token <token>", "next_page_token of the previous page")
    .action(
      ctx.action(async ({ client, json: asJson }, cmd) => {
        const o = cmd.opts();
        const res = await client.tasks.listTaskEvents({ id: String(cmd.processedArgs[0]), pageSize: o.pageSize ?? 0, pageToken: o.pageToken ?? "" });
        if (asJson) return ctx.print(json(ListTaskEventsResponseSchema, res));
        ctx.print(
          table(
            ["SEQ", "TIME", "FROM", "TO", "REASON", "ACTOR", "ATTEMPT", "MESSAGE"],
            res.events.map((e) => [String(e.sequence), time(e.time), e.fromStatus === TaskStatus.UNSPECIFIED ? "" : statusName(e.fromStatus), statusName(e.toStatus), e.reason, e.actor, String(e.attempt), e.message]),
          ),
        );
        if (res.nextPageToken) ctx.print(`next page: --page-token ${res.nextPageToken}\n`);
      }),
    );
}
