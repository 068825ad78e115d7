/**
 * Records every RPC's duration and final code in taskyard_rpc_duration_seconds (a stream's
 * duration is its whole life), and counts open streams in taskyard_rpc_open_streams.
 */
import type { Interceptor } from "@connectrpc/connect";
import type { Metrics } from "../infra/metrics.js";
import { codeNameOf, onCallEnd, procedureOf } from "./call-end.js";

export function metricsInterceptor(metrics: Metrics): Interceptor {
  return (next) => async (req) => {
    const procedure = procedureOf(req);
    const end = metrics.rpcDuration.startTimer({ procedure });
    const streaming = req.method.methodKind !== "unary";
    if (streaming) metrics.openStreams.inc({ procedure });
    return onCallEnd(req.signal, () => next(req), (err) => {
      end({ code: codeNameOf(err) });
      if (streaming) metrics.openStreams.dec({ procedure });
    });
  };
}
