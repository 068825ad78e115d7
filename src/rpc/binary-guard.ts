/**
 * A request that cannot be decoded is INVALID_ARGUMENT, not INTERNAL.
 *
 * @connectrpc/connect answers a binary request body that protobuf-es cannot parse (truncated,
 * bad tags, invalid UTF-8 in a string, nesting past the recursion limit) and a message with the
 * compressed flag but no negotiated encoding with Code.Internal — on the server that blames us
 * for the client's bytes (JSON bodies already get InvalidArgument). This guard sits in front of
 * every handler: it watches the binary request body as it streams through unchanged, and before
 * the library sees a complete message it decodes it once itself; a failure is thrown into the
 * body stream as ConnectError(InvalidArgument), which every protocol (gRPC, gRPC-Web, Connect)
 * reports with that code. Compressed messages are left to the library (which decompresses and
 * limits them); a damaged one inside still surfaces as the library's error.
 */
import { fromBinary, type DescMethod } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { UniversalHandler, UniversalServerRequest } from "@connectrpc/connect/protocol";

/** Replaces each handler in `handlers` (ConnectRouter.handlers) by its guarded twin. */
export function guardBinaryRequests(handlers: UniversalHandler[]): void {
  for (let i = 0; i < handlers.length; i++) {
    const h = handlers[i]!;
    handlers[i] = Object.assign((req: UniversalServerRequest) => h(guard(req, h.method)), h);
  }
}

function guard(req: UniversalServerRequest, method: DescMethod): UniversalServerRequest {
  const body = req.body;
  if (typeof body !== "object" || body === null || !(Symbol.asyncIterator in body)) return req;
  const type = (req.header.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  let checked: AsyncIterable<Uint8Array> | undefined;
  if (/^application\/(grpc|grpc-web)(\+proto)?$/.test(type)) {
    checked = envelopes(body as AsyncIterable<Uint8Array>, method, !!req.header.get("grpc-encoding") && req.header.get("grpc-encoding") !== "identity");
  } else if (type === "application/connect+proto") {
    const enc = req.header.get("connect-content-encoding");
    checked = envelopes(body as AsyncIterable<Uint8Array>, method, !!enc && enc !== "identity");
  } else if (type === "application/proto" && !req.header.get("content-encoding")) {
    checked = whole(body as AsyncIterable<Uint8Array>, method);
  }
  return checked ? { ...req, body: checked } : req;
}

function check(method: DescMethod, bytes: Uint8Array): void {
  try {
    fromBinary(method.input, bytes);
  } catch (err) {
    const m = err instanceof Error ? err.message : String(err);
    throw new ConnectError(`request: cannot decode ${method.input.typeName}: ${m}`, Code.InvalidArgument);
  }
}

/** An unenveloped body (Connect unary, binary): decoded once it is complete. */
async function* whole(body: AsyncIterable<Uint8Array>, method: DescMethod): AsyncIterable<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let held: Uint8Array | undefined;
  for await (const chunk of body) {
    // Hold back the latest chunk: the library must not have the whole body before it is checked.
    if (held) yield held;
    held = chunk;
    chunks.push(chunk);
  }
  check(method, Buffer.concat(chunks));
  if (held) yield held;
}

/**
 * An enveloped body (gRPC, gRPC-Web, Connect streaming): chunks pass through unchanged; each
 * envelope is decoded before the chunk that completes it is passed on.
 */
async function* envelopes(body: AsyncIterable<Uint8Array>, method: DescMethod, encoded: boolean): AsyncIterable<Uint8Array> {
  let parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    parts.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    size += chunk.byteLength;
    while (size >= 5) {
      if (parts[0]!.length < 5) parts = [Buffer.concat(parts)];
      const flags = parts[0]![0]!;
      const length = parts[0]!.readUInt32BE(1);
      if ((flags & 0x01) !== 0 && !encoded) {
        throw new ConnectError("request: a message has the compressed flag set, but the request names no message encoding", Code.InvalidArgument);
      }
      // An envelope over the read limit is refused by the library as soon as it sees the prefix.
      if (size < 5 + length) break;
      const all = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      if ((flags & 0x01) === 0) check(method, all.subarray(5, 5 + length));
      const rest = all.subarray(5 + length);
      parts = rest.length > 0 ? [rest] : [];
      size = rest.length;
    }
    yield chunk;
  }
}
