/**
 * The per-queue dispatch rate limit as a token bucket (Cloud Tasks' max_dispatches_per_second +
 * max_burst_size). Pure: the dispatcher keeps the state in the queue row and changes it only
 * while it holds that row's lock, so the limit holds across any number of replicas.
 */
import type { RateLimit } from "./types.js";

export interface BucketState {
  tokens: number;
  /** When `tokens` was last brought up to date; null = never used (a full bucket). */
  refillTime: Date | null;
}

/** The bucket size a limit really has: an unset burst lets one second's worth start at once. */
export function effectiveBurst(limit: RateLimit): number {
  return limit.burst > 0 ? limit.burst : Math.max(1, Math.ceil(limit.perSecond));
}

/**
 * Tokens available at `now`. A clock that went backwards (another replica's, slightly behind)
 * adds nothing rather than taking tokens away.
 */
export function tokensAt(state: BucketState, limit: RateLimit, now: Date): number {
  const burst = effectiveBurst(limit);
  if (state.refillTime === null) return burst;
  const elapsedMs = Math.max(0, now.getTime() - state.refillTime.getTime());
  return Math.min(burst, state.tokens + (elapsedMs / 1000) * limit.perSecond);
}

/** Milliseconds until one whole token is available (0 when one is). */
export function msUntilToken(tokens: number, limit: RateLimit): number {
  if (tokens >= 1) return 0;
  return Math.ceil(((1 - tokens) / limit.perSecond) * 1000);
}
