/**
 * The credential interceptor: `Authorization: Bearer <token>` on every call. A function token is
 * asked before each call, so a caller can hand in a JWT that it refreshes.
 */
import type { Interceptor } from "@connectrpc/connect";

export type TokenSource = string | (() => string | undefined | Promise<string | undefined>);

export function bearerToken(token: TokenSource): Interceptor {
  return (next) => async (req) => {
    const value = typeof token === "function" ? await token() : token;
    if (value) req.header.set("authorization", `Bearer ${value}`);
    return next(req);
  };
}
