/**
 * Time left of a running task, from how long it has run and how far it got: the rate so far
 * held constant (`elapsed × (total − current) / current`).
 */

/** Milliseconds left, or undefined when it cannot be told (no start, no unit done, total unknown). */
export function estimateRemainingMs(start: Date | undefined, now: Date, current: number, total: number): number | undefined {
  if (!start || !(current > 0) || !(total > 0)) return undefined;
  if (current >= total) return 0;
  const elapsed = now.getTime() - start.getTime();
  if (!(elapsed >= 0)) return undefined;
  return (elapsed * (total - current)) / current;
}
