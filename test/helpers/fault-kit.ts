/**
 * The fault suites' accounting: waits for every accepted task to end, then checks each against
 * Temporal's history — at most one workflow run per attempt that ran the handler (not "stale") —
 * and its own: one STARTED event per attempt; else it "started twice". Prints one summary line
 * per fault.
 */
import type { Client } from "@temporalio/client";
import { expect } from "vitest";
import { TaskStatus, type Task } from "../../src/gen/taskyard/v1/task_pb.js";
import { isTerminal, type TestApp } from "./app.js";

export interface Outcome {
  accepted: number;
  completed: number;
  lost: number;
  startedTwice: number;
  slowestS: number;
}

/** Waits for every task to end, then checks each against Temporal's history. */
export async function settle(app: TestApp, temporal: Client, fault: string, ids: readonly string[], deadlineMs: number): Promise<Outcome> {
  const until = Date.now() + deadlineMs;
  let last: Task[] = [];
  while (Date.now() < until) {
    last = (await app.grpc.batchGetTasks({ ids: [...ids] })).tasks;
    if (last.length === ids.length && last.every(isTerminal)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  let startedTwice = 0;
  for (const t of last) {
    // Runs that ran the handler: a run that found its attempt stale (a start whose answer was
    // lost, then a re-dispatch) ends "stale" without running it.
    let handlerRuns = 0;
    for await (const w of temporal.workflow.list({ query: `WorkflowId = '${t.id}'` })) {
      const result = await temporal.workflow.getHandle(t.id, w.runId).result().catch(() => "failed");
      if (result !== "stale") handlerRuns++;
    }
    // In MySQL: one STARTED (a worker began the attempt) per attempt.
    const [row]: Array<{ n: string }> = await app.dataSource.query(`SELECT COUNT(*) AS n FROM task_events WHERE task_id = ? AND reason = 'STARTED' AND attempt = ?`, [t.id, t.attempt]);
    if (handlerRuns > 1 || Number(row?.n) > 1) startedTwice++;
  }
  const secs = (x?: { seconds: bigint; nanos: number }) => (x ? Number(x.seconds) + x.nanos / 1e9 : 0);
  const outcome = {
    accepted: ids.length,
    completed: last.filter((t) => t.status === TaskStatus.COMPLETED).length,
    lost: ids.length - last.filter(isTerminal).length,
    startedTwice,
    slowestS: Math.max(0, ...last.filter(isTerminal).map((t) => secs(t.endTime) - secs(t.createTime))),
  };
  console.info(
    `fault ${fault.padEnd(34)} accepted ${outcome.accepted}  completed ${outcome.completed}  lost ${outcome.lost}  started twice ${outcome.startedTwice}  slowest to terminal ${outcome.slowestS.toFixed(1)} s`,
  );
  return outcome;
}

export const expectClean = (o: Outcome) => expect(o).toMatchObject({ completed: o.accepted, lost: 0, startedTwice: 0 });

