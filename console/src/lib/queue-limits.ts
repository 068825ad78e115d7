/**
 * The "Edit limits" form as an UpdateQueue request: the text fields checked the way the server
 * checks them, and an update_mask naming only what changed (so an edit does not overwrite a
 * change someone else made to another field meanwhile).
 */
export interface LimitsDraft {
  concurrencyLimit: string;
  perSecond: string;
  burst: string;
}

export interface LimitsRequest {
  queue: { name: string; concurrencyLimit: number; rateLimit: { perSecond: number; burst: number } };
  updateMask: { paths: string[] };
}

const MAX_RATE = 10_000;
const INT32_MAX = 2_147_483_647;

function wholeNumber(text: string): number | string {
  const n = Number(text.trim());
  if (text.trim() === "" || !Number.isInteger(n) || n < 0 || n > INT32_MAX) return "a whole number, 0 or more";
  return n;
}

/** The limits of a Queue message as the form reads them. */
export interface QueueLimits {
  name: string;
  concurrencyLimit: number;
  rateLimit?: { perSecond: number; burst: number } | undefined;
}

export function limitsUpdate(queue: QueueLimits, draft: LimitsDraft): { request: LimitsRequest } | { errors: Partial<Record<keyof LimitsDraft, string>> } {
  const errors: Partial<Record<keyof LimitsDraft, string>> = {};
  const limit = wholeNumber(draft.concurrencyLimit);
  if (typeof limit === "string") errors.concurrencyLimit = limit;
  const burst = wholeNumber(draft.burst);
  if (typeof burst === "string") errors.burst = burst;
  const rate = Number(draft.perSecond.trim());
  if (draft.perSecond.trim() === "" || !Number.isFinite(rate) || rate < 0 || rate > MAX_RATE) errors.perSecond = `a number from 0 to ${MAX_RATE.toLocaleString("en")}`;
  if (typeof limit === "string" || typeof burst === "string" || errors.perSecond) return { errors };

  const paths: string[] = [];
  if (limit !== queue.concurrencyLimit) paths.push("concurrency_limit");
  if (rate !== (queue.rateLimit?.perSecond ?? 0)) paths.push("rate_limit.per_second");
  if (burst !== (queue.rateLimit?.burst ?? 0)) paths.push("rate_limit.burst");
  return { request: { queue: { name: queue.name, concurrencyLimit: limit, rateLimit: { perSecond: rate, burst } }, updateMask: { paths } } };
}
