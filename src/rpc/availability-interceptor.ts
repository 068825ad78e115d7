/**
 * Fail fast while the database is down (DESIGN.md: UNAVAILABLE, retryable, nothing lost): a call
 * that arrives then answers UNAVAILABLE at once, and a unary call in flight when the database
 * goes down answers UNAVAILABLE as soon as that is known, instead of hanging until the database
 * returns. Whatever such a call wrote may still commit later — it was never acknowledged, and a
 * retry with the same request_id finds it. Health and reflection need no database and pass.
 */
import type { Interceptor } from "@connectrpc/connect";
import { UnavailableError } from "../domain/errors.js";
import type { DatabaseAvailability } from "../infra/db/availability.js";
import { PUBLIC_SERVICES } from "./authz.js";

const NO_DATABASE = new Set([...PUBLIC_SERVICES, "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"]);

export function availabilityInterceptor(db: DatabaseAvailability): Interceptor {
  const unavailable = () => new UnavailableError("the database is unavailable; retry later (nothing this call did was acknowledged)");
  return (next) => async (req) => {
    if (NO_DATABASE.has(req.service.typeName)) return next(req);
    if (!db.available) throw unavailable();
    if (req.stream) return next(req);
    const down = db.down;
    let onDown: (() => void) | undefined;
    const lost = new Promise<never>((_, reject) => {
      onDown = () => reject(unavailable());
      down.addEventListener("abort", onDown, { once: true });
    });
    try {
      return await Promise.race([next(req), lost]);
    } finally {
      down.removeEventListener("abort", onDown!);
    }
  };
}
