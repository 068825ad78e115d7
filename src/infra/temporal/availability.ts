/**
 * Whether Temporal answers this worker: GetSystemInfo every `intervalMs`, failed when not
 * answered within `timeoutMs`. The worker's /healthz reports it (the SDK itself only retries
 * its polls quietly), so a probe sees a worker cut off from Temporal and recovers with it.
 */
import type { NativeConnection } from "@temporalio/worker";
import { startProbe, type ProbeOptions } from "../probe.js";

export function watchTemporal(connection: NativeConnection, opts: ProbeOptions) {
  let available = true;
  const probe = startProbe(() => connection.workflowService.getSystemInfo({}).then(() => true), { ...opts, firstAfterMs: 0 }, (ok) => (available = ok));
  return {
    get available() {
      return available;
    },
    stop: () => probe.stop(),
  };
}
