/**
 * The authenticated caller of an RPC, read from the handler context. Until authentication lands
 * every caller is the `anonymous` principal of the `default` tenant (DESIGN.md "Security").
 */
import { createContextKey, type HandlerContext } from "@connectrpc/connect";
import type { Caller } from "../tasks/types.js";

export const callerKey = createContextKey<Caller>({ tenant: "default", principal: "anonymous" }, { description: "authenticated caller" });

export function callerOf(ctx: HandlerContext): Caller {
  return ctx.values.get(callerKey);
}
