/** Records every RPC's duration and final code in taskyard_rpc_duration_seconds. */
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import type { Metrics } from "../infra/metrics.js";
import { errorCodeName } from "./errors.js";

export function metricsInterceptor(metrics: Metrics): Interceptor {
  return (next) => async (req) => {
    const procedure = `${req.method.parent.typeName}/${req.method.name}`;
    const end = metrics.rpcDuration.startTimer({ procedure });
    try {
      const res = await next(req);
      end({ code: "OK" });
      return res;
    } catch (err) {
      end({ code: errorCodeName(err instanceof ConnectError ? err.code : Code.Unknown) });
      throw err;
    }
  };
}
