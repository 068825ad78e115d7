/**
 * Failed calls in words: `taskyard: NOT_FOUND: task "x" not found` — the gRPC code as
 * google/rpc/code.proto spells it, then the server's message (which names the field).
 */
import { Code, ConnectError } from "@connectrpc/connect";

const GRPC_NAMES: Record<Code, string> = {
  [Code.Canceled]: "CANCELLED",
  [Code.Unknown]: "UNKNOWN",
  [Code.InvalidArgument]: "INVALID_ARGUMENT",
  [Code.DeadlineExceeded]: "DEADLINE_EXCEEDED",
  [Code.NotFound]: "NOT_FOUND",
  [Code.AlreadyExists]: "ALREADY_EXISTS",
  [Code.PermissionDenied]: "PERMISSION_DENIED",
  [Code.ResourceExhausted]: "RESOURCE_EXHAUSTED",
  [Code.FailedPrecondition]: "FAILED_PRECONDITION",
  [Code.Aborted]: "ABORTED",
  [Code.OutOfRange]: "OUT_OF_RANGE",
  [Code.Unimplemented]: "UNIMPLEMENTED",
  [Code.Internal]: "INTERNAL",
  [Code.Unavailable]: "UNAVAILABLE",
  [Code.DataLoss]: "DATA_LOSS",
  [Code.Unauthenticated]: "UNAUTHENTICATED",
};

export function grpcCodeName(code: Code): string {
  return GRPC_NAMES[code] ?? String(code);
}

/** One line for stderr; `address` is named when the server could not be reached. */
export function describeError(err: unknown, address: string | undefined): string {
  const e = ConnectError.from(err);
  const message = e.rawMessage || "(no message)";
  const causeCode = String((e.cause as { code?: unknown } | undefined)?.code ?? "");
  const hint = /certificate|CERT/i.test(`${message} ${causeCode}`)
    ? " (TLS: trust the server's CA with --ca-cert, or --insecure-skip-verify for a test server)"
    : e.code === Code.Unavailable && address && !message.includes(address)
      ? ` (server ${address})`
      : e.code === Code.Unauthenticated
        ? " (set --token or TASKYARD_TOKEN)"
        : "";
  return `taskyard: ${grpcCodeName(e.code)}: ${message}${hint}\n`;
}
