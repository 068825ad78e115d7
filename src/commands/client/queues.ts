/** `taskyard queues list|get|stats|pause|resume|entries|move`. */
import { create } from "@bufbuild/protobuf";
import { Option, type Command } from "commander";
import {
  ListQueueEntriesResponseSchema,
  ListQueuesResponseSchema,
  MoveTaskResponseSchema,
  QueueSchema,
  QueueStatsSchema,
  type Queue,
  type QueueEntry,
} from "../../gen/taskyard/v1/queue_service_pb.js";
import { findEntry, moveRequest } from "./queue-move.js";
import type { Context } from "./context.js";
import { details, duration, json, table, time } from "./output.js";
import { integer } from "./parse.js";

export function addQueueCommands(queues: Command, ctx: Context): void {
  const paging = (c: Command) => c.option("--page-size <n>", "1–500 (default 100)", integer(1, 500)).option("--page-token <token>", "next_page_token of the previous page");

  paging(queues.command("list").description("queues by name")).action(
    ctx.action(async ({ client, json: asJson }, cmd) => {
      const o = cmd.opts();
      const res = await client.queues.listQueues({ pageSize: o.pageSize ?? 0, pageToken: o.pageToken ?? "" });
      if (asJson) return ctx.print(json(ListQueuesResponseSchema, res));
      ctx.print(
        table(
          ["NAME", "PAUSED", "CONCURRENCY", "PRIORITY", "RATE/S", "FAIRNESS", "WORKERS", "DESCRIPTION"],
          res.queues.map((q) => [q.name, q.paused ? "yes" : "no", q.concurrencyLimit ? String(q.concurrencyLimit) : "-", String(q.defaultPriority || 50), q.rateLimit?.perSecond ? String(q.rateLimit.perSecond) : "-", q.fairnessKey || "-", String(q.workersWatching), q.description]),
        ),
      );
      if (res.nextPageToken) ctx.print(`next page: --page-token ${res.nextPageToken}\n`);
    }),
  );

  queues
    .command("get")
    .description("one queue's settings")
    .argument("<name>", "queue name")
    .action(ctx.action(async ({ client, json: asJson }, cmd) => ctx.print(queueOut(await client.queues.getQueue({ name: String(cmd.processedArgs[0]) }), asJson))));

  queues
    .command("stats")
    .description("a queue's counters: waiting, holding slots, oldest and average wait, dispatch rate, workers, per project")
    .argument("<name>", "queue name")
    .action(
      ctx.action(async ({ client, json: asJson }, cmd) => {
        const s = await client.queues.getQueueStats({ name: String(cmd.processedArgs[0]) });
        if (asJson) return ctx.print(json(QueueStatsSchema, s));
        ctx.print(
          details([
            ["Queue", s.name],
            ["Queued", String(s.queued)],
            ["Running", String(s.running)],
            ["Oldest wait", duration(s.oldestWait) || "-"],
            ["Average wait", duration(s.averageWait) || "-"],
            ["Dispatched/min", s.dispatchedPerMinute.toFixed(1)],
            ["Workers", String(s.workersWatching)],
          ]),
        );
        if (s.projects.length) ctx.print(`\n${table(["PROJECT", "RUNNING", "QUEUED"], s.projects.map((p) => [p.project, String(p.running), String(p.queued)]))}`);
      }),
    );

  for (const [verb, text] of [
    ["pause", "stop dispatching from the queue (running tasks go on)"],
    ["resume", "dispatch from the queue again"],
  ] as const) {
    queues
      .command(verb)
      .description(text)
      .argument("<name>", "queue name")
      .action(
        ctx.action(async ({ client, json: asJson }, cmd) => {
          const name = String(cmd.processedArgs[0]);
          const q = verb === "pause" ? await client.queues.pauseQueue({ name }) : await client.queues.resumeQueue({ name });
          ctx.print(asJson ? json(QueueSchema, q) : `queue ${q.name} ${q.paused ? "paused" : "resumed"}\n`);
        }),
      );
  }

  paging(queues.command("entries").description("queued tasks in dispatch order").argument("<name>", "queue name")).action(
    ctx.action(async ({ client, json: asJson }, cmd) => {
      const o = cmd.opts();
      const res = await client.queues.listQueueEntries({ name: String(cmd.processedArgs[0]), pageSize: o.pageSize ?? 0, pageToken: o.pageToken ?? "" });
      if (asJson) return ctx.print(json(ListQueueEntriesResponseSchema, res));
      ctx.print(res.entries.length ? entryRows(res.entries) : "the queue is empty\n");
      if (res.nextPageToken) ctx.print(`next page: --page-token ${res.nextPageToken}\n`);
    }),
  );

  queues
    .command("move")
    .description("move a queued task within its priority band (priority always decides first)")
    .argument("<name>", "queue name")
    .argument("<task-id>", "the task to move")
    .option("--before <id>", "just before this task (same queue and priority)")
    .option("--after <id>", "just after this task (same queue and priority)")
    .addOption(new Option("--position <where>", "front, back, or a 0-based place in dispatch order (stays within the band)"))
    .option("--forward <n>", "n places towards the head", integer(1, 1_000_000))
    .option("--backward <n>", "n places towards the tail", integer(1, 1_000_000))
    .action(
      ctx.action(async ({ client, json: asJson }, cmd) => {
        const [name, taskId] = cmd.processedArgs as [string, string];
        const req = await moveRequest(client, cmd, name, taskId);
        const res = req ? await client.queues.moveTask(req) : { position: (await findEntry(client, name, taskId)).position };
        ctx.print(asJson ? json(MoveTaskResponseSchema, create(MoveTaskResponseSchema, { position: res.position })) : `task ${taskId} is at position ${res.position} of queue ${name}\n`);
      }),
    );
}

function entryRows(entries: QueueEntry[]): string {
  return table(["POSITION", "TASK ID", "PRIORITY", "TYPE", "NAME", "ENQUEUED"], entries.map((e) => [String(e.position), e.taskId, String(e.priority), e.taskType, e.taskName, time(e.enqueueTime)]));
}

function queueOut(q: Queue, asJson: boolean): string {
  if (asJson) return json(QueueSchema, q);
  return details([
    ["Name", q.name],
    ["Description", q.description],
    ["Paused", q.paused ? "yes" : "no"],
    ["Concurrency limit", q.concurrencyLimit ? String(q.concurrencyLimit) : "unlimited"],
    ["Default priority", String(q.defaultPriority || 50)],
    ["Rate limit", q.rateLimit?.perSecond ? `${q.rateLimit.perSecond}/s, burst ${q.rateLimit.burst || Math.max(1, Math.ceil(q.rateLimit.perSecond))}` : "unlimited"],
    ["Fairness key", q.fairnessKey],
    ["Temporal task queue", q.temporalTaskQueue],
    ["Workers", String(q.workersWatching)],
    ["Created", time(q.createTime)],
    ["Updated", time(q.updateTime)],
  ]);
}
