/** Words for ExplainTaskWait's answer (TaskWaitExplanation, WaitReason). */
import { durationMs, type Duration } from "@bufbuild/protobuf/wkt";
import { formatDuration } from "./format";

const TITLES: Record<string, string> = {
  PENDING: "Not queued",
  QUEUE_PAUSED: "Queue paused",
  CONCURRENCY_LIMIT: "Concurrency limit held",
  BEHIND_HIGHER_PRIORITY: "Behind higher-priority tasks",
  BEHIND_IN_BAND: "Behind tasks of the same priority",
  FAIRNESS_TURN: "Waiting for its fairness turn",
  RATE_LIMIT: "Rate limit",
  NO_WORKER: "No worker serves it",
  WAITING_FOR_WORKER: "Waiting for a worker to take it",
  RETRY_BACKOFF: "Dispatch retry backoff",
};

/** A reason's kind as a title; an unknown kind (a newer server) in sentence case. */
export function waitKindTitle(kind: string): string {
  const known = TITLES[kind];
  if (known) return known;
  const words = kind.toLowerCase().replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** `limit`, `rate_per_minute` → `limit`, `rate per minute`. */
export function factLabel(key: string): string {
  return key.replace(/_/g, " ");
}

/** The estimate in words, or why there is none. */
export function estimatedWaitText(d: Duration | undefined): string {
  return d ? `about ${formatDuration(durationMs(d))}` : "no estimate (nothing started lately, or it cannot start as things are)";
}

/** `1st`, `2nd`, `3rd`, `11th` … of a 0-based position. */
export function ordinal(position: number): string {
  const n = position + 1;
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : ({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th";
  return `${n}${suffix}`;
}
