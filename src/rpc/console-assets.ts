/**
 * The web console's static files at /console (built by `npm run build:console` into
 * dist/console). Hashed assets are cached for a year; index.html is revalidated on every load,
 * and any other path under /console answers index.html, where the console's router takes over.
 */
import { existsSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import sirv from "sirv";

export const CONSOLE_PATH = "/console";

export type ConsoleHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/** Serves `dir`; answers whether the request was a console one. Undefined when `dir` has no build. */
export function createConsoleHandler(dir: string): ConsoleHandler | undefined {
  if (!existsSync(path.join(dir, "index.html"))) return undefined;
  const serve = sirv(dir, {
    single: true,
    etag: true,
    gzip: false,
    setHeaders(res, pathname) {
      res.setHeader("Cache-Control", pathname.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache");
      res.setHeader("X-Content-Type-Options", "nosniff");
      res.setHeader("Referrer-Policy", "same-origin");
    },
  });
  return (req, res) => {
    const url = req.url ?? "/";
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    if (url === CONSOLE_PATH) {
      res.writeHead(308, { Location: `${CONSOLE_PATH}/` });
      res.end();
      return true;
    }
    if (!url.startsWith(`${CONSOLE_PATH}/`)) return false;
    req.url = url.slice(CONSOLE_PATH.length);
    serve(req, res);
    return true;
  };
}

/** Where a build of this package keeps the console: <package root>/dist/console. */
export function defaultConsoleDir(): string {
  // src/rpc (tsx) or dist/src/rpc (built): walk up to the directory holding package.json.
  let dir = path.dirname(new URL(import.meta.url).pathname);
  while (!existsSync(path.join(dir, "package.json")) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, "dist", "console");
}
