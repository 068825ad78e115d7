/**
 * Domain errors → gRPC codes, in one table (AIP-193). Anything unknown becomes INTERNAL with a
 * generic message: SQL, stack traces and driver messages never reach a client; the original is
 * logged.
 */
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import type { Logger } from "pino";
import {
  AbortedError,
  AlreadyExistsError,
  DomainError,
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
  PermissionDeniedError,
  ResourceExhaustedError,
  UnauthenticatedError,
  UnavailableError,
} from "../domain/errors.js";
import { currentLogFields } from "../infra/log-context.js";

const CODES: ReadonlyArray<[new (...args: never[]) => DomainError, Code]> = [
  [InvalidArgumentError, Code.InvalidArgument],
  [NotFoundError, Code.NotFound],
  [AlreadyExistsError, Code.AlreadyExists],
  [FailedPreconditionError, Code.FailedPrecondition],
  [AbortedError, Code.Aborted],
  [ResourceExhaustedError, Code.ResourceExhausted],
  [UnavailableError, Code.Unavailable],
  [PermissionDeniedError, Code.PermissionDenied],
  [UnauthenticatedError, Code.Unauthenticated],
];

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** `s` with lone surrogates replaced by U+FFFD (String.prototype.toWellFormed, which our TS lib lacks). */
export const wellFormed = (s: string): string => s.replace(LONE_SURROGATE, "\uFFFD");

/** The gRPC code of a domain error, or undefined for an unexpected error type. */
export function domainCode(err: DomainError): Code | undefined {
  return CODES.find(([type]) => err instanceof type)?.[1];
}

function mapError(err: unknown, logger: Logger, procedure: string): ConnectError {
  // Messages echo client input (sliced, maybe mid surrogate pair): a lone surrogate would make
  // percent-encoding grpc-message throw and leave the call unanswered.
  if (err instanceof ConnectError) return wellFormed(err.rawMessage) === err.rawMessage ? err : new ConnectError(wellFormed(err.rawMessage), err.code, err.metadata, undefined, err.cause);
  if (err instanceof DomainError) {
    const code = domainCode(err);
    if (code !== undefined) {
      if (code === Code.Unavailable) logger.warn({ err: err.cause ?? err, procedure }, err.message);
      return new ConnectError(wellFormed(err.message), code, undefined, undefined, err);
    }
  }
  // The request id (rpc/request-context.ts) ties the client's answer to this log line.
  const requestId = currentLogFields().requestId;
  logger.error({ err, procedure, requestId }, "unhandled error");
  return new ConnectError(typeof requestId === "string" ? `internal error (request id ${requestId})` : "internal error", Code.Internal, undefined, undefined, err);
}

/** Maps whatever a handler throws, for unary and streaming calls alike. */
export function errorInterceptor(logger: Logger): Interceptor {
  return (next) => async (req) => {
    const procedure = req.method.parent.typeName + "/" + req.method.name;
    const toConnectError = (err: unknown) =>
      // The client went away (e.g. closed a WatchTask stream): not an error of ours.
      req.signal.aborted && !(err instanceof DomainError) ? new ConnectError("the client cancelled the call", Code.Canceled) : mapError(err, logger, procedure);
    try {
      const res = await next(req);
      if (!res.stream) return res;
      const message = res.message;
      return {
        ...res,
        message: (async function* () {
          try {
            yield* message;
          } catch (err) {
            throw toConnectError(err);
          }
        })(),
      };
    } catch (err) {
      throw toConnectError(err);
    }
  };
}

/** `Code.FailedPrecondition` → "FAILED_PRECONDITION" (batch results name codes as gRPC does). */
export const errorCodeName = (code: Code): string => Code[code].replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
