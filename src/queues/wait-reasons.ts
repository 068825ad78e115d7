/**
 * ExplainTaskWait's reasoning, pure: from what wait-explainer.ts read about a task and its queue,
 * the conditions that hold the task back (most decisive first: what stops it absolutely, then
 * what delays it), one sentence for people, and a throughput estimate.
 */
import type { TaskStatus } from "../tasks/status.js";
import type { Task } from "../tasks/types.js";
import type { Queue } from "./types.js";

export type WaitKind =
  | "PENDING"
  | "QUEUE_PAUSED"
  | "NO_WORKER"
  | "WAITING_FOR_WORKER"
  | "CONCURRENCY_LIMIT"
  | "RATE_LIMIT"
  | "BEHIND_HIGHER_PRIORITY"
  | "BEHIND_IN_BAND"
  | "FAIRNESS_TURN"
  | "RETRY_BACKOFF";

export interface WaitReason {
  kind: WaitKind;
  message: string;
  /** Tasks holding the slots, or ahead of it (at most MAX_REASON_TASKS). */
  taskIds: string[];
  facts: Record<string, string>;
}

export interface WaitExplanation {
  taskId: string;
  status: TaskStatus;
  waiting: boolean;
  summary: string;
  reasons: WaitReason[];
  queue: string;
  /** 0-based place in dispatch order; undefined without a queue entry. */
  position?: number;
  aheadInBand: number;
  aheadHigherPriority: number;
  estimatedWaitMs?: number;
  startedPerMinute: number;
}

export const MAX_REASON_TASKS = 20;

/** A QUEUED task as the explainer found it. */
export interface WaitFacts {
  task: Pick<Task, "id" | "status" | "statusReason" | "statusMessage" | "queue" | "type" | "priority">;
  /** Undefined when the queue row is gone (its entries are being repaired). */
  queue?: Pick<Queue, "name" | "paused" | "concurrencyLimit" | "rateLimit" | "fairnessKey">;
  /** Dispatched: handed to Temporal, waiting for a worker to take it. */
  dispatched: boolean;
  /** Workers online that serve the queue and the task's type. */
  workers: number;
  /** Its queue entry's place; undefined without one. */
  place?: { position: number; aheadHigher: number; bandSize: number; higherIds: string[]; bandAheadIds: string[] };
  /** Set when the concurrency limit is reached: the tasks holding slots. */
  slots?: { running: number; holderIds: string[] };
  /** Tokens in the queue's rate bucket now, when the queue has a rate limit. */
  tokens?: number;
  /** In a queue with a fairness key: its value, the value whose turn it is in its band, and how many of its value are ahead. */
  fairness?: { value: string; turn: string; aheadSameValue: number };
  startedPerMinute: number;
}

/** A task that is not waiting to start (running or finished). */
export function notWaiting(task: Pick<Task, "id" | "status" | "queue">): WaitExplanation {
  const what = task.status === "RUNNING" || task.status === "CANCELLING" ? "it has started" : "it has finished";
  return { ...empty(task), waiting: false, summary: `task is ${task.status}: ${what}, it is not waiting` };
}

/** A PENDING task: nothing queues it until someone does. */
export function pending(task: Pick<Task, "id" | "status" | "queue">): WaitExplanation {
  const reason = { kind: "PENDING", message: "not queued (PENDING): EnqueueTask puts it in a queue", taskIds: [], facts: {} } satisfies WaitReason;
  return { ...empty(task), waiting: true, summary: reason.message, reasons: [reason] };
}

/** A QUEUED task: every condition that holds it, most decisive first. */
export function explainQueued(f: WaitFacts): WaitExplanation {
  const { task, queue, place } = f;
  const q = `queue "${task.queue}"`;
  const reasons: WaitReason[] = [];
  const add = (kind: WaitKind, message: string, facts: Record<string, string | number> = {}, taskIds: string[] = []) =>
    reasons.push({ kind, message, taskIds: taskIds.slice(0, MAX_REASON_TASKS), facts: Object.fromEntries(Object.entries(facts).map(([k, v]) => [k, String(v)])) });

  // A dispatched task is past pause, limits and order: only a worker can take it now.
  if (queue?.paused && !f.dispatched) add("QUEUE_PAUSED", `${q} is paused: ResumeQueue lets it dispatch again`);
  if (queue && f.workers === 0) add("NO_WORKER", `no worker serves ${q} for type "${task.type}" (see ListTaskTypes)`, { workers: 0 });
  if (f.dispatched) add("WAITING_FOR_WORKER", `dispatched: waiting for a worker of ${q} to take it`, { workers: f.workers });
  if (queue && f.slots) {
    const { running, holderIds } = f.slots;
    add("CONCURRENCY_LIMIT", `${plural(running, "task")} ${running === 1 ? "holds" : "hold"} all ${plural(queue.concurrencyLimit, "slot")} of ${q}`, { limit: queue.concurrencyLimit, running }, holderIds);
  }
  if (queue && place && f.tokens !== undefined && f.tokens < place.position + 1) {
    const { perSecond, burst } = queue.rateLimit;
    const waitMs = Math.ceil(((place.position + 1 - f.tokens) / perSecond) * 1000);
    add("RATE_LIMIT", `${q} starts at most ${perSecond}/s: ${Math.floor(f.tokens)} start(s) available now, it needs ${place.position + 1}`, {
      per_second: perSecond,
      burst,
      tokens: f.tokens.toFixed(2),
      rate_per_minute: perSecond * 60,
      wait_ms: waitMs,
    });
  }
  const aheadInBand = place ? place.position - place.aheadHigher : 0;
  if (place && place.aheadHigher > 0) {
    add("BEHIND_HIGHER_PRIORITY", `${plural(place.aheadHigher, "task")} queued at a higher priority than ${task.priority} ${place.aheadHigher === 1 ? "goes" : "go"} first`, { ahead: place.aheadHigher, priority: task.priority }, place.higherIds);
  }
  if (place && aheadInBand > 0) {
    add("BEHIND_IN_BAND", `${plural(aheadInBand, "task")} at priority ${task.priority} ${isAre(aheadInBand)} ahead of it`, { ahead: aheadInBand, priority: task.priority, band_size: place.bandSize }, place.bandAheadIds);
  }
  if (queue && f.fairness && aheadInBand > 0) {
    const { value, turn, aheadSameValue } = f.fairness;
    add("FAIRNESS_TURN", `values of ${queue.fairnessKey} take turns: "${turn}" is next at priority ${task.priority}; ${plural(aheadSameValue, "task")} of "${value}" ${isAre(aheadSameValue)} ahead of it`, {
      fairness_key: queue.fairnessKey,
      fairness_value: value,
      turn,
      ahead_same_value: aheadSameValue,
    });
  }
  if (task.statusReason === "DISPATCH_FAILED") {
    add("RETRY_BACKOFF", `its last workflow start failed (${task.statusMessage}); the dispatcher tries again after a backoff`, { status_reason: task.statusReason });
  }

  const blocked = Boolean(queue?.paused) || f.workers === 0;
  const estimatedWaitMs = place && f.startedPerMinute > 0 && !blocked ? Math.round(((place.position + 1) / f.startedPerMinute) * 60_000) : undefined;
  return {
    ...empty(task),
    waiting: true,
    summary: summarize(task, reasons, place),
    reasons,
    position: place?.position,
    aheadInBand,
    aheadHigherPriority: place?.aheadHigher ?? 0,
    estimatedWaitMs,
    startedPerMinute: f.startedPerMinute,
  };
}

/** The most decisive reason, then its place in line, e.g. `2 tasks hold all 2 slots of queue "gpu"; 3rd of 7 at priority 50`. */
function summarize(task: WaitFacts["task"], reasons: readonly WaitReason[], place: WaitFacts["place"]): string {
  const first = reasons.find((r) => !["BEHIND_HIGHER_PRIORITY", "BEHIND_IN_BAND", "FAIRNESS_TURN"].includes(r.kind));
  const parts = first ? [first.message] : [];
  if (place) {
    const higher = place.aheadHigher > 0 ? `, after ${place.aheadHigher} at higher priority` : "";
    parts.push(`${ordinal(place.position - place.aheadHigher + 1)} of ${place.bandSize} at priority ${task.priority}${higher}`);
  }
  if (reasons.length === 0) parts.unshift(`next to start in queue "${task.queue}"`);
  return parts.join("; ");
}

function empty(task: Pick<Task, "id" | "status" | "queue">): WaitExplanation {
  return { taskId: task.id, status: task.status, waiting: false, summary: "", reasons: [], queue: task.queue, aheadInBand: 0, aheadHigherPriority: 0, startedPerMinute: 0 };
}

const isAre = (n: number) => (n === 1 ? "is" : "are");

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** 1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st. */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}
