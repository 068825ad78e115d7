/** Progress arithmetic shared by the API and the worker kit. */

/** 0–100 with two decimals; 0 when the total is unknown. */
export function percentOf(current: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(100, Math.max(0, Math.round((current / total) * 10_000) / 100));
}
