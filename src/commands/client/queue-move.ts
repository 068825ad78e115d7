/**
 * `queues move`'s flags as a MoveTask request. The API moves relative to the band (front, back,
 * n places, before a task); `--after ID` and `--position N` are resolved here from the queue's
 * entries in dispatch order.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { Command } from "commander";
import { Position, type MoveTaskRequestSchema, type QueueEntry } from "../../gen/taskyard/v1/queue_service_pb.js";
import type { NodeTaskyardClient } from "../../client/index.js";

/** MoveTask's request from the flags; undefined when the task already is where it should go. */
export async function moveRequest(client: NodeTaskyardClient, cmd: Command, name: string, taskId: string): Promise<MessageInitShape<typeof MoveTaskRequestSchema> | undefined> {
  const o = cmd.opts();
  const given = ["before", "after", "position", "forward", "backward"].filter((k) => o[k] !== undefined);
  if (given.length !== 1) cmd.error("taskyard: give exactly one of --before, --after, --position, --forward, --backward", { exitCode: 2 });
  const base = { name, taskId };
  if (o.before) return { ...base, position: Position.BEFORE, beforeTaskId: o.before };
  if (o.forward) return { ...base, position: Position.FORWARD, count: o.forward };
  if (o.backward) return { ...base, position: Position.BACKWARD, count: o.backward };
  if (o.position === "front") return { ...base, position: Position.FRONT };
  if (o.position === "back") return { ...base, position: Position.BACK };
  if (o.position !== undefined) {
    if (!/^\d+$/.test(o.position)) cmd.error(`taskyard: --position: expected front, back or a number, got "${o.position}"`, { exitCode: 2 });
    // The API moves by places, not to a place: the distance from where the task is now.
    const target = Number(o.position);
    const here = (await findEntry(client, name, taskId)).position;
    if (target === here) return undefined;
    return { ...base, position: target < here ? Position.FORWARD : Position.BACKWARD, count: Math.abs(target - here) };
  }
  // --after: before the entry that follows the anchor in its band, or the band's tail.
  const entries = await allEntries(client, name);
  const i = entries.findIndex((e) => e.taskId === o.after);
  const me = entries.find((e) => e.taskId === taskId);
  if (i < 0) throw new ConnectError(`--after: task ${o.after} is not queued in queue ${name}`, Code.FailedPrecondition);
  if (!me) throw new ConnectError(`task ${taskId} is not queued in queue ${name}`, Code.FailedPrecondition);
  const anchor = entries[i]!;
  if (anchor.priority !== me.priority) {
    throw new ConnectError(`--after: task ${anchor.taskId} has priority ${anchor.priority} and task ${taskId} ${me.priority}; moves stay within a priority band`, Code.FailedPrecondition);
  }
  const next = entries.slice(i + 1).find((e) => e.priority === anchor.priority && e.taskId !== taskId);
  return next ? { ...base, position: Position.BEFORE, beforeTaskId: next.taskId } : { ...base, position: Position.BACK };
}

async function allEntries(client: NodeTaskyardClient, name: string): Promise<QueueEntry[]> {
  const out: QueueEntry[] = [];
  let pageToken = "";
  do {
    const page = await client.queues.listQueueEntries({ name, pageSize: 500, pageToken });
    out.push(...page.entries);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return out;
}

export async function findEntry(client: NodeTaskyardClient, name: string, taskId: string): Promise<QueueEntry> {
  const entry = (await allEntries(client, name)).find((e) => e.taskId === taskId);
  if (!entry) throw new ConnectError(`task ${taskId} is not queued in queue ${name}`, Code.FailedPrecondition);
  return entry;
}
