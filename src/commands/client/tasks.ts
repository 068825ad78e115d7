/** `taskyard tasks create|get|list` (cancel, retry, events: tasks-control.ts; watch, wait: tasks-watch.ts). */
import { readFileSync } from "node:fs";
import { Option, type Command } from "commander";
import type { JsonObject, MessageInitShape } from "@bufbuild/protobuf";
import { ListTasksResponseSchema, type ListTasksRequestSchema } from "../../gen/taskyard/v1/task_service_pb.js";
import { TaskSchema, type TaskStatus } from "../../gen/taskyard/v1/task_pb.js";
import type { Context } from "./context.js";
import { json, taskDetails, taskRows } from "./output.js";
import { integer, keyValue, list, paramValue, STATUS_CHOICES, statuses } from "./parse.js";

export function addTaskCommands(tasks: Command, ctx: Context): void {
  tasks
    .command("create")
    .description("create a task (queued at once unless --no-start)")
    .requiredOption("--type <type>", "task type, e.g. demo.sleep (`taskyard types list`)")
    .option("--param <key=value>", "a param; the value is JSON when it parses (steps=20, ok=true, ids=[1,2]), else text (repeatable)", keyValue(paramValue))
    .option("--params-file <file>", "params as a JSON object (`-` reads stdin); --param values go over it")
    .option("--label <key=value>", "a label (repeatable)", keyValue((v) => v))
    .option("--tag <tag>", "a tag (repeatable, or comma-separated)", list)
    .option("--name <name>", "name (default: the type)")
    .option("--project <project>", "project (default: default)")
    .option("--queue <queue>", "queue (default: default)")
    .option("--priority <n>", "1–100, higher first (default: the queue's)", integer(1, 100))
    .option("--max-attempts <n>", "automatic tries of one execution", integer(0, 100))
    .option("--comment <text>", "free-form comment")
    .option("--dedupe-key <key>", "while a task with this key is live, creating another returns it")
    .option("--request-id <id>", "idempotency key: a repeat returns the task the first call created")
    .option("--start", "queue it at once (the default)")
    .option("--no-start", "leave it PENDING (not queued)")
    .option("-q, --quiet", "print only the new task's id")
    .action(
      ctx.action(async ({ client, json: asJson }, cmd) => {
        const o = cmd.opts();
        const params = { ...readParamsFile(cmd, o.paramsFile), ...(o.param ?? {}) } as JsonObject;
        const task = await client.tasks.createTask({
          task: { type: o.type, params, labels: o.label ?? {}, tags: o.tag ?? [], name: o.name ?? "", project: o.project ?? "", queue: o.queue ?? "", priority: o.priority ?? 0, maxAttempts: o.maxAttempts ?? 0, comment: o.comment ?? "", dedupeKey: o.dedupeKey ?? "" },
          requestId: o.requestId ?? "",
          start: o.start,
        });
        ctx.print(o.quiet ? `${task.id}\n` : asJson ? json(TaskSchema, task) : taskDetails(task));
      }),
    );

  tasks
    .command("get")
    .description("show one task")
    .argument("<id>", "task id")
    .action(
      ctx.action(async ({ client, json: asJson }, cmd) => {
        const task = await client.tasks.getTask({ id: String(cmd.processedArgs[0]) });
        ctx.print(asJson ? json(TaskSchema, task) : taskDetails(task));
      }),
    );

  tasks
    .command("list")
    .description("list tasks, newest first: the filters of ListTasks, all of them AND-ed")
    .addOption(new Option("--status <status>", "any of these statuses (repeatable, or comma-separated)").choices(STATUS_CHOICES).argParser(statuses))
    .option("--type <type>", "exact task type")
    .option("--project <project>", "exact project")
    .option("--queue <queue>", "exact queue")
    .option("--created-by <principal>", "exact creator")
    .option("--tag <tag>", "has this tag; -tag: has not (repeatable)", list)
    .option("--label <key=value>", "has this label value (repeatable)", keyValue((v) => v))
    .option("--parent-id <id>", "children of this task")
    .option("--search <text>", "substring of name, comment or a label value, any case")
    .option("--filter <aip160>", 'AIP-160 filter, e.g. \'status = RUNNING AND labels.asset = "a1"\'')
    .option("--order-by <fields>", "e.g. 'priority desc, create_time' (default: create_time desc)")
    .option("--page-size <n>", "1–500 (default 20)", integer(1, 500))
    .option("--page-token <token>", "next_page_token of the previous page")
    .option("--include-archived", "archived tasks too")
    .option("--include-public", "other tenants' PUBLIC tasks too")
    .action(
      ctx.action(async ({ client, json: asJson }, cmd) => {
        const res = await client.tasks.listTasks(listRequest(cmd.opts()));
        if (asJson) return ctx.print(json(ListTasksResponseSchema, res));
        ctx.print(res.tasks.length ? taskRows(res.tasks) : "no tasks match\n");
        ctx.print(`${res.tasks.length} of ${res.totalSize}${res.nextPageToken ? `; next page: --page-token ${res.nextPageToken}` : ""}\n`);
      }),
    );
}

/** ListTasks' request from the list options (shared with `tasks watch --filter`). */
export function listRequest(o: Record<string, unknown>): MessageInitShape<typeof ListTasksRequestSchema> {
  return {
    statuses: (o.status as TaskStatus[] | undefined) ?? [],
    type: (o.type as string | undefined) ?? "",
    project: (o.project as string | undefined) ?? "",
    queue: (o.queue as string | undefined) ?? "",
    createdBy: (o.createdBy as string | undefined) ?? "",
    tags: (o.tag as string[] | undefined) ?? [],
    labels: (o.label as Record<string, string> | undefined) ?? {},
    parentId: (o.parentId as string | undefined) ?? "",
    search: (o.search as string | undefined) ?? "",
    filter: (o.filter as string | undefined) ?? "",
    orderBy: (o.orderBy as string | undefined) ?? "",
    pageSize: (o.pageSize as number | undefined) ?? 0,
    pageToken: (o.pageToken as string | undefined) ?? "",
    includeArchived: Boolean(o.includeArchived),
    includePublic: Boolean(o.includePublic),
  };
}

function readParamsFile(cmd: Command, file: string | undefined): JsonObject {
  if (!file) return {};
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file === "-" ? 0 : file, "utf8"));
  } catch (err) {
    return cmd.error(`taskyard: --params-file: ${file}: ${(err as Error).message}`, { exitCode: 2 });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return cmd.error(`taskyard: --params-file: ${file} must hold a JSON object`, { exitCode: 2 });
  return value as JsonObject;
}
