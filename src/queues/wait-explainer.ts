/**
 * ExplainTaskWait's use case: reads what holds a task back — its queue's pause state, workers,
 * concurrency slots, rate bucket, the task's place in dispatch order and recent throughput — and
 * hands it to wait-reasons.ts. Places come from the code ListQueueEntries and MoveTask use
 * (OrderRepository), so the numbers agree with them. Only the caller's own tasks: another tenant's
 * public task is NOT_FOUND here, since the answer describes that tenant's queue. Reads only.
 */
import { taskNotFound } from "../tasks/access.js";
import type { TaskRepository } from "../tasks/repository.js";
import { isWaitingForWorker } from "../tasks/status.js";
import type { Caller, Task } from "../tasks/types.js";
import type { QueueRepository } from "./repository.js";
import { tokensAt } from "./token-bucket.js";
import { DEFAULT_QUEUE, type Queue } from "./types.js";
import { explainQueued, MAX_REASON_TASKS, notWaiting, pending, type WaitExplanation, type WaitFacts } from "./wait-reasons.js";
import type { WaitRepository } from "./wait-repository.js";

/** The window of started_per_minute, as GetQueueStats' dispatched_per_minute. */
const RATE_WINDOW_MS = 15 * 60_000;

export interface WaitExplainerDeps {
  tasks: TaskRepository;
  queues: QueueRepository;
  waits: WaitRepository;
  /** Workers online that serve `type` on `queue` (the task-type registry). */
  workersFor(queue: Queue, type: string): Promise<number>;
}

export class WaitExplainer {
  constructor(private readonly deps: WaitExplainerDeps) {}

  async explain(caller: Caller, id: string): Promise<WaitExplanation> {
    const task = await this.deps.tasks.get(caller.tenant, id);
    if (!task) throw taskNotFound(id);
    if (task.status === "PENDING") return pending(task);
    if (task.status !== "QUEUED") return notWaiting(task);
    return explainQueued(await this.facts(task));
  }

  private async facts(task: Task): Promise<WaitFacts> {
    const { queues, waits } = this.deps;
    const { tenant } = task;
    const queue = task.queue === DEFAULT_QUEUE ? await queues.ensureDefault(tenant) : await queues.get(tenant, task.queue);
    const now = new Date();
    const facts: WaitFacts = {
      task,
      queue,
      dispatched: isWaitingForWorker(task),
      workers: queue ? await this.deps.workersFor(queue, task.type) : 0,
      startedPerMinute: (await waits.startedSince(tenant, task.queue, new Date(now.getTime() - RATE_WINDOW_MS))) / (RATE_WINDOW_MS / 60_000),
    };
    const entry = facts.dispatched || !queue ? undefined : await queues.getEntry(tenant, task.id);
    if (!queue || !entry) return facts; // dispatched, or an entry the reconciler is putting back

    const state = queue.fairnessKey || queue.rateLimit.perSecond > 0 ? await queues.dispatchState(tenant, queue.name) : undefined;
    const fair = queue.fairnessKey && state ? { cursors: state.fairnessCursors } : undefined;
    const order = queues.order();
    const position = await order.indexOf(tenant, queue.name, fair, task.id);
    if (position < 0) return facts; // dispatched between the reads
    const band = await waits.bandCounts(tenant, queue.name, entry.priority);
    const aheadHigher = Math.min(band.higher, position);
    const aheadInBand = position - aheadHigher;
    const idsAt = async (offset: number, count: number) =>
      count > 0 ? (await order.list(tenant, queue.name, fair, offset, Math.min(count, MAX_REASON_TASKS))).map((e) => e.taskId) : [];
    const bandAheadIds = await idsAt(aheadHigher, aheadInBand);
    facts.place = { position, aheadHigher, bandSize: band.band, higherIds: await idsAt(0, aheadHigher), bandAheadIds };

    if (queue.concurrencyLimit > 0) {
      const running = await queues.countActive(tenant, queue.name);
      if (running >= queue.concurrencyLimit) facts.slots = { running, holderIds: await waits.slotHolders(tenant, queue.name, MAX_REASON_TASKS) };
    }
    if (state && queue.rateLimit.perSecond > 0) facts.tokens = tokensAt(state, queue.rateLimit, now);
    if (fair && bandAheadIds[0]) {
      // The band's head in fair order is the value whose turn it is.
      const head = await queues.getEntry(tenant, bandAheadIds[0]);
      facts.fairness = { value: entry.fairnessValue, turn: head?.fairnessValue ?? "", aheadSameValue: await waits.aheadWithValue(tenant, queue.name, entry) };
    }
    return facts;
  }
}
