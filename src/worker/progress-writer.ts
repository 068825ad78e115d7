/**
 * Sends handler progress to Taskyard (ReportTaskProgress) at a bounded rate: at most one write per interval, the
 * latest value always written eventually (a trailing write), and `flush()` writes what is
 * pending at once (before the handler's end is recorded).
 */
import type { Progress } from "../tasks/types.js";

export class ProgressWriter {
  private last = 0;
  private pending: Progress | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inflight: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (p: Progress) => Promise<unknown>,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  report(p: Progress): Promise<void> {
    this.pending = p;
    const wait = this.last + this.intervalMs - Date.now();
    if (wait <= 0) return this.flush();
    this.timer ??= setTimeout(() => void this.flush(), wait);
    return Promise.resolve();
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const p = this.pending;
    this.pending = undefined;
    if (p) {
      this.last = Date.now();
      this.inflight = this.inflight.then(() => this.write(p)).then(() => undefined, this.onError);
    }
    return this.inflight;
  }
}
