/**
 * A health probe loop: runs `check` every `intervalMs` (the first after `firstAfterMs`), counts
 * it failed when it throws, answers false or has not answered within `timeoutMs`, and reports
 * each result. One loop for the database and the Temporal probes.
 */
export interface ProbeOptions {
  intervalMs: number;
  timeoutMs: number;
  firstAfterMs?: number;
}

export function startProbe(check: () => Promise<boolean>, opts: ProbeOptions, onResult: (ok: boolean) => void): { stop(): void } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = (ms: number) => {
    timer = setTimeout(() => void probe(), ms);
    timer.unref();
  };
  const probe = async () => {
    let timeout: NodeJS.Timeout | undefined;
    const ok = await Promise.race([check().catch(() => false), new Promise<boolean>((resolve) => (timeout = setTimeout(() => resolve(false), opts.timeoutMs)))]);
    clearTimeout(timeout);
    if (stopped) return;
    onResult(ok);
    schedule(opts.intervalMs);
  };
  schedule(opts.firstAfterMs ?? opts.intervalMs);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
