/** Domain errors: transport-free; rpc/errors.ts maps each to a gRPC code in one table. */
export class DomainError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
/** The request is malformed; `field` names the offending request field (AIP-193 field violation). */
export class InvalidArgumentError extends DomainError {
  constructor(message: string, readonly field?: string) {
    super(message);
  }
}
export class NotFoundError extends DomainError {}
export class AlreadyExistsError extends DomainError {}
export class FailedPreconditionError extends DomainError {}
export class AbortedError extends DomainError {}
export class ResourceExhaustedError extends DomainError {}
export class UnavailableError extends DomainError {}
export class PermissionDeniedError extends DomainError {}
export class UnauthenticatedError extends DomainError {}
