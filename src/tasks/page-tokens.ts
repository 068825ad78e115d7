/**
 * Page tokens are opaque to clients: base64url of a keyset position (the default order), of an
 * offset (`page` requests and custom orders), or of an event sequence (ListTaskEvents). A token
 * that does not decode is INVALID_ARGUMENT naming `page_token`.
 */
import { InvalidArgumentError } from "../domain/errors.js";

export function invalidPageToken(): InvalidArgumentError {
  return new InvalidArgumentError("page_token: invalid page token; pass next_page_token from a previous response", "page_token");
}

/** `kind:value`, base64url: the token shape every paged RPC uses. */
export function encodeToken(kind: string, value: string): string {
  return Buffer.from(`${kind}:${value}`).toString("base64url");
}

/** The value of a token of this kind; INVALID_ARGUMENT naming page_token otherwise. */
export function decodeToken(token: string, kind: string): string {
  const text = Buffer.from(token, "base64url").toString("utf8");
  if (!text.startsWith(`${kind}:`)) throw invalidPageToken();
  return text.slice(kind.length + 1);
}

/** The page token of the default order that continues after `position` (benchmarks build deep tokens with it). */
export function keysetPageToken(position: { createTime: Date; id: string }): string {
  return encodeToken("t", `${position.createTime.getTime()}:${position.id}`);
}

export function offsetPageToken(offset: number): string {
  return encodeToken("o", String(offset));
}

export function decodePageToken(token: string): { createTime: Date; id: string } | { offset: number } {
  const text = Buffer.from(token, "base64url").toString("utf8");
  const keyset = /^t:(\d{1,15}):([0-9a-f-]{36})$/.exec(text);
  if (keyset) return { createTime: new Date(Number(keyset[1])), id: keyset[2]! };
  const offset = /^o:(\d{1,9})$/.exec(text);
  if (offset) return { offset: Number(offset[1]) };
  throw invalidPageToken();
}

export function eventPageToken(sequence: number): string {
  return encodeToken("e", String(sequence));
}

export function decodeEventToken(token: string): string {
  const m = /^e:(\d{1,20})$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  if (!m) throw new InvalidArgumentError("page_token: invalid page token", "page_token");
  return m[1]!;
}
