/**
 * One plaintext port for gRPC (h2c), gRPC-Web and Connect (JSON and binary) over HTTP/1.1 and
 * HTTP/2: httpolyglot sniffs the first bytes of each connection (the HTTP/2 preface goes to an
 * http2 server, anything else to an http server), both with the same Connect handler.
 * Also serves GET /metrics (Prometheus), the web console's files at /console, and CORS for the
 * configured browser origins.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import http2, { type Http2ServerRequest, type Http2ServerResponse } from "node:http2";
import type { AddressInfo, Socket } from "node:net";
import { createServer } from "@httptoolkit/httpolyglot";
import { cors, type ConnectRouter, type Interceptor } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { Logger } from "pino";
import type { Metrics } from "../infra/metrics.js";
import { guardBinaryRequests } from "./binary-guard.js";
import type { ConsoleHandler } from "./console-assets.js";
import { createOriginMatcher } from "./cors.js";

export interface ApiServerOptions {
  routes: (router: ConnectRouter) => void;
  interceptors: Interceptor[];
  host: string;
  port: number;
  corsOrigins: readonly string[];
  /** Serves /console; absent when there is no console build. */
  console?: ConsoleHandler;
  metrics: Metrics;
  logger: Logger;
}

export interface ApiServer {
  port: number;
  /** Stops accepting, lets calls finish for up to `graceMs`, then cuts what is left. */
  close(graceMs: number): Promise<void>;
}

const READ_MAX_BYTES = 8 * 1024 * 1024;
const MAX_TIMEOUT_MS = 10 * 60 * 1000;

type Req = IncomingMessage | Http2ServerRequest;
type Res = ServerResponse | Http2ServerResponse;

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const shutdown = new AbortController();
  // A misspelt field or enum name in JSON is an INVALID_ARGUMENT naming it, not silently dropped.
  const jsonOptions = { ignoreUnknownFields: false };
  const connect = connectNodeAdapter({
    routes: (router) => {
      opts.routes(router);
      // Undecodable requests → INVALID_ARGUMENT rather than the library's INTERNAL (or a hang).
      guardBinaryRequests(router.handlers, jsonOptions, READ_MAX_BYTES);
    },
    interceptors: opts.interceptors,
    readMaxBytes: READ_MAX_BYTES,
    maxTimeoutMs: MAX_TIMEOUT_MS,
    shutdownSignal: shutdown.signal,
    jsonOptions,
    fallback: (req, res) => void fallback(req as IncomingMessage, res as ServerResponse, opts),
  });
  const allowed = createOriginMatcher(opts.corsOrigins);
  let inflight = 0;
  let drained: (() => void) | undefined;
  const handler = (req: Req, res: Res) => {
    inflight++;
    res.once("close", () => {
      if (--inflight === 0) drained?.();
    });
    // An answer given before the request body is all read (a body over the read limit, a bad
    // envelope prefix) must still end the call. HTTP/1.1 discards the rest of the body itself; an
    // HTTP/2 stream stays half open instead, the client blocked on flow control with its body
    // unsent, so the call never completes for it (and the stream holds a slot of the session).
    if ("stream" in req) req.stream.once("finish", () => discardRest(req));
    const origin = req.headers.origin;
    if (origin && allowed(origin)) {
      res.setHeader("Access-Control-Allow-Origin", origin);
      res.setHeader("Vary", "Origin");
      res.setHeader("Access-Control-Expose-Headers", [...cors.exposedHeaders, "X-Request-Id"].join(", "));
      if (req.method === "OPTIONS") {
        res.setHeader("Access-Control-Allow-Methods", cors.allowedMethods.join(", "));
        res.setHeader("Access-Control-Allow-Headers", [...cors.allowedHeaders, "Authorization", "X-Request-Id", "Traceparent", "Tracestate"].join(", "));
        res.setHeader("Access-Control-Max-Age", "7200");
        res.writeHead(204);
        res.end();
        return;
      }
    }
    connect(req as IncomingMessage, res as ServerResponse);
  };

  const server = createServer(handler as (req: IncomingMessage, res: ServerResponse) => void);
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    // Accepted sockets don't get http.Server's no-delay default here; gRPC is much slower without it.
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    async close(graceMs) {
      // Streams (WatchTask, health Watch) end on the shutdown signal; unary calls get the grace.
      shutdown.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if (inflight > 0) {
        await new Promise<void>((resolve) => {
          drained = resolve;
          setTimeout(resolve, graceMs).unref();
        });
      }
      // Idle keep-alive connections and HTTP/2 sessions would hold close() open forever: end them,
      // flushing what the last responses wrote (a destroy here cut trailers off: ECONNRESET for
      // the client), and destroy what is still open a moment later.
      for (const s of sockets) s.end();
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

/** Most of a request body discarded after its answer: past it, or after DISCARD_MS, the stream is reset. */
const DISCARD_MAX_BYTES = 2 * READ_MAX_BYTES;
const DISCARD_MS = 2_000;

/**
 * Once the response of an HTTP/2 stream is sent, reads and drops what is left of its request
 * body, so that the client can finish sending and the stream closes cleanly; a client that keeps
 * on sending gets RST_STREAM(NO_ERROR), the end RFC 9113 §8.1 gives a complete response that did
 * not need the whole request. The body is read from the stream itself: the library may have
 * destroyed the compat request (leaving the stream paused), and the compat request would only
 * buffer what it is handed.
 */
function discardRest(req: Http2ServerRequest): void {
  const stream = req.stream;
  if (req.complete || stream.destroyed || stream.readableEnded) return;
  if (!req.destroyed) req.destroy();
  let discarded = 0;
  const pump = () => {
    for (let chunk: Buffer | null; (chunk = stream.read() as Buffer | null) !== null; ) {
      discarded += chunk.length;
      if (discarded > DISCARD_MAX_BYTES) return stop();
    }
  };
  const stop = () => {
    clearTimeout(timer);
    stream.off("readable", pump);
    if (!stream.destroyed && !stream.readableEnded) stream.close(http2.constants.NGHTTP2_NO_ERROR);
  };
  const timer = setTimeout(stop, DISCARD_MS).unref();
  stream.once("end", () => clearTimeout(timer));
  stream.once("close", () => clearTimeout(timer));
  stream.on("readable", pump);
  pump();
}

async function fallback(req: IncomingMessage, res: ServerResponse, { metrics, console }: ApiServerOptions): Promise<void> {
  if (req.method === "GET" && req.url === "/metrics") {
    const body = await metrics.registry.metrics();
    res.writeHead(200, { "Content-Type": metrics.registry.contentType });
    res.end(body);
    return;
  }
  if (console?.(req, res)) return;
  res.writeHead(404, { "Content-Type": "application/json" });
  res.end(JSON.stringify({ code: "not_found", message: `no route for ${req.method} ${req.url}` }));
}
