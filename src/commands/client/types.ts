/** `taskyard types list`: the task types workers registered (CreateTask accepts only these). */
import { create } from "@bufbuild/protobuf";
import type { Command } from "commander";
import { ListTaskTypesResponseSchema } from "../../gen/taskyard/v1/task_service_pb.js";
import type { TaskType } from "../../gen/taskyard/v1/worker_service_pb.js";
import type { Context } from "./context.js";
import { json, table, time } from "./output.js";

export function addTypeCommands(types: Command, ctx: Context): void {
  types
    .command("list")
    .description("registered task types with their workers online and queues (every page)")
    .action(
      ctx.action(async ({ client, json: asJson }) => {
        const all: TaskType[] = [];
        let pageToken = "";
        do {
          const page = await client.tasks.listTaskTypes({ pageSize: 500, pageToken });
          all.push(...page.taskTypes);
          pageToken = page.nextPageToken;
        } while (pageToken);
        if (asJson) return ctx.print(json(ListTaskTypesResponseSchema, create(ListTaskTypesResponseSchema, { taskTypes: all })));
        ctx.print(
          all.length
            ? table(["TYPE", "WORKERS", "QUEUES", "LAST SEEN", "DESCRIPTION"], all.map((t) => [t.type, String(t.workersOnline), t.queues.join(","), time(t.lastSeenTime), t.description]))
            : "no task types registered (start a worker)\n",
        );
      }),
    );
}
