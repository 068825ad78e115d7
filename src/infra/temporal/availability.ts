/**
 * Whether Temporal answers this worker: GetSystemInfo every `intervalMs`, failed when not
 * answered within `timeoutMs`. The worker's /healthz reports it (the SDK itself only retries
 * its polls quietly), so a probe sees a worker cut off from Temporal and recovers with it.
 */
import type { NativeConnection } from "@temporalio/worker";

export function watchTemporal(connection: NativeConnection, opts: { intervalMs: number; timeoutMs: number }) {
  let available = true;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const probe = async () => {
    let timeout: NodeJS.Timeout | undefined;
    available = await Promise.race([
      connection.workflowService.getSystemInfo({}).then(() => true, () => false),
      new Promise<boolean>((resolve) => (timeout = setTimeout(() => resolve(false), opts.timeoutMs))),
    ]);
    clearTimeout(timeout);
    if (stopped) return;
    timer = setTimeout(() => void probe(), opts.intervalMs);
    timer.unref();
  };
  void probe();
  return {
    get available() {
      return available;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
