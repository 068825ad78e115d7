/**
 * Page tokens are opaque to clients: base64url of a keyset position (the default order), of an
 * offset (`page` requests and custom orders), or of an event sequence (ListTaskEvents). A token
 * that does not decode is INVALID_ARGUMENT naming `page_token`.
 */
import { InvalidArgumentError } from "../domain/errors.js";

/** The page token of the default order that continues after `position` (benchmarks build deep tokens with it). */
export function keysetPageToken(position: { createTime: Date; id: string }): string {
  return Buffer.from(`t:${position.createTime.getTime()}:${position.id}`).toString("base64url");
}

export function offsetPageToken(offset: number): string {
  return Buffer.from(`o:${offset}`).toString("base64url");
}

export function decodePageToken(token: string): { createTime: Date; id: string } | { offset: number } {
  const text = Buffer.from(token, "base64url").toString("utf8");
  const keyset = /^t:(\d{1,15}):([0-9a-f-]{36})$/.exec(text);
  if (keyset) return { createTime: new Date(Number(keyset[1])), id: keyset[2]! };
  const offset = /^o:(\d{1,9})$/.exec(text);
  if (offset) return { offset: Number(offset[1]) };
  throw new InvalidArgumentError("page_token: invalid page token; pass next_page_token from a previous response", "page_token");
}

export function eventPageToken(sequence: number): string {
  return Buffer.from(`e:${sequence}`).toString("base64url");
}

export function decodeEventToken(token: string): string {
  const m = /^e:(\d{1,20})$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  if (!m) throw new InvalidArgumentError("page_token: invalid page token", "page_token");
  return m[1]!;
}
