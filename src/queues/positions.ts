/**
 * Queue positions: DOUBLEs ordering the entries of one priority band. A new entry gets the
 * current time in microseconds (monotonic within a process, so one client's sequential enqueues
 * stay FIFO); MoveTask picks a value strictly between two neighbours, and when two neighbours
 * are too close for that the band is renumbered (OrderRepository.renumberBand).
 */

/** Space left between renumbered entries and around moved-to ends: room for ~10 halvings. */
export const POSITION_GAP = 1024;

let last = 0;

/** A position after every position this process handed out before, near now in µs. */
export function nextPosition(): number {
  last = Math.max(Date.now() * 1000, last + 1);
  return last;
}

/** A position strictly between `lo` and `hi` (lo < hi), or undefined when doubles leave no room. */
export function between(lo: number, hi: number): number | undefined {
  const mid = lo + (hi - lo) / 2;
  return mid > lo && mid < hi ? mid : undefined;
}
