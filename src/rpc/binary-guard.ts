/**
 * A request that cannot be decoded is INVALID_ARGUMENT, not INTERNAL — and gets an answer at all.
 *
 * @connectrpc/connect answers a binary request body that protobuf-es cannot parse (truncated,
 * bad tags, invalid UTF-8 in a string, nesting past the recursion limit), a message with the
 * compressed flag but no negotiated encoding, and a compressed message that does not decompress
 * with Code.Internal — on the server that blames us for the client's bytes. Worse, a gRPC
 * request with a JSON payload (application/grpc+json) whose parse error quotes half a surrogate
 * pair never gets an answer: percent-encoding grpc-message throws URIError and the stream hangs.
 * This guard sits in front of every handler: it watches the request body as it streams through
 * unchanged, and before the library sees a complete message it decodes it once itself; a failure
 * is thrown into the body stream as ConnectError(InvalidArgument) with a well-formed message,
 * which every protocol (gRPC, gRPC-Web, Connect) reports with that code. Compression is checked
 * for each: the gRPC envelope flag with grpc-encoding, Connect streaming envelopes with
 * connect-content-encoding, and a Connect unary body with Content-Encoding.
 */
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { fromBinary, fromJsonString, type DescMethod, type JsonReadOptions } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { UniversalHandler, UniversalServerRequest } from "@connectrpc/connect/protocol";
import { wellFormed } from "./errors.js";

/** Replaces each handler in `handlers` (ConnectRouter.handlers) by its guarded twin; `json`: the server's JSON options. */
export function guardBinaryRequests(handlers: UniversalHandler[], json: Partial<JsonReadOptions>, readMaxBytes: number): void {
  for (let i = 0; i < handlers.length; i++) {
    const h = handlers[i]!;
    handlers[i] = Object.assign((req: UniversalServerRequest) => h(guard(req, { method: h.method, json, readMaxBytes })), h);
  }
}

interface Check {
  method: DescMethod;
  json: Partial<JsonReadOptions>;
  readMaxBytes: number;
}

function guard(req: UniversalServerRequest, c: Check): UniversalServerRequest {
  const body = req.body;
  if (typeof body !== "object" || body === null || !(Symbol.asyncIterator in body)) return req;
  const type = (req.header.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  const stream = body as AsyncIterable<Uint8Array>;
  const grpc = /^application\/(grpc|grpc-web)(\+(proto|json))?$/.exec(type);
  let checked: AsyncIterable<Uint8Array> | undefined;
  if (grpc) {
    checked = envelopes(stream, c, grpc[3] === "json", req.header.get("grpc-encoding"));
  } else if (type === "application/connect+proto" || type === "application/connect+json") {
    // Connect streaming: the envelopes' compression is named by connect-content-encoding.
    checked = envelopes(stream, c, type === "application/connect+json", req.header.get("connect-content-encoding"));
  } else if (type === "application/proto" || type === "application/json") {
    // Connect unary: the whole body is compressed, as Content-Encoding names. The library answers
    // a body that does not decompress with INTERNAL "decompression failed"; an encoding it does
    // not know is its UNIMPLEMENTED. JSON bodies it parses with the right code itself.
    const encoding = req.header.get("content-encoding") ?? "";
    const binary = type === "application/proto";
    if (encoding === "" || encoding === "identity") {
      if (binary) checked = whole(stream, c, undefined, true);
    } else if (encoding === "gzip" || encoding === "br") {
      checked = whole(stream, c, encoding, binary);
    }
  }
  return checked ? { ...req, body: checked } : req;
}

function check(c: Check, bytes: Uint8Array, json: boolean): void {
  try {
    if (json) fromJsonString(c.method.input, new TextDecoder().decode(bytes), c.json);
    else fromBinary(c.method.input, bytes);
  } catch (err) {
    const m = err instanceof Error ? err.message : String(err);
    throw new ConnectError(wellFormed(`request: cannot decode ${c.method.input.typeName}: ${m}`), Code.InvalidArgument);
  }
}

/** A compressed message, decompressed as the library will; undefined when it is over the read limit (the library refuses it). */
function decompress(c: Check, encoding: string, data: Buffer): Buffer | undefined {
  // As the library: an empty message needs no decompressing.
  if (data.length === 0) return data;
  try {
    const options = { maxOutputLength: c.readMaxBytes };
    return encoding === "br" ? brotliDecompressSync(data, options) : gunzipSync(data, options);
  } catch (err) {
    if ((err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") return undefined;
    throw new ConnectError(`request: cannot decompress a ${encoding} message: ${(err as Error).message}`, Code.InvalidArgument);
  }
}

/**
 * An unenveloped body (Connect unary), checked once it is complete: decompressed when `encoding`
 * (gzip or br) is set, then decoded when `binary` (JSON the library decodes with the right code).
 */
async function* whole(body: AsyncIterable<Uint8Array>, c: Check, encoding: "gzip" | "br" | undefined, binary: boolean): AsyncIterable<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let held: Uint8Array | undefined;
  for await (const chunk of body) {
    // Hold back the latest chunk: the library must not have the whole body before it is checked.
    if (held) yield held;
    held = chunk;
    chunks.push(chunk);
  }
  const all = Buffer.concat(chunks);
  const plain = encoding ? decompress(c, encoding, all) : all;
  if (plain && binary) check(c, plain, false);
  if (held) yield held;
}

/**
 * An enveloped body (gRPC, gRPC-Web, Connect streaming): chunks pass through unchanged; each
 * envelope is decoded before the chunk that completes it is passed on.
 */
async function* envelopes(body: AsyncIterable<Uint8Array>, c: Check, json: boolean, encoding: string | null): AsyncIterable<Uint8Array> {
  const encoded = encoding !== null && encoding !== "" && encoding !== "identity";
  let parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    parts.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    size += chunk.byteLength;
    while (size >= 5) {
      if (parts[0]!.length < 5) parts = [Buffer.concat(parts)];
      const flags = parts[0]![0]!;
      const length = parts[0]!.readUInt32BE(1);
      const compressed = (flags & 0x01) !== 0;
      if (compressed && !encoded) {
        throw new ConnectError("request: a message has the compressed flag set, but the request names no message encoding", Code.InvalidArgument);
      }
      // An envelope over the read limit is refused by the library as soon as it sees the prefix.
      if (size < 5 + length) break;
      const all = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      const payload = all.subarray(5, 5 + length);
      // An encoding the library does not know is its UNIMPLEMENTED; gzip and br are checked here.
      const plain = !compressed ? payload : encoding === "gzip" || encoding === "br" ? decompress(c, encoding, payload) : undefined;
      if (plain) check(c, plain, json);
      const rest = all.subarray(5 + length);
      parts = rest.length > 0 ? [rest] : [];
      size = rest.length;
    }
    yield chunk;
  }
}
