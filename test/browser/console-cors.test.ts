/**
 * A page on another origin calls the API from a real browser, as `taskyard dev` allows it with
 * authentication off (its default origins, the loopback ones): a page served from another
 * loopback port gets its answer; one from a non-loopback host name is refused by CORS.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findChromium } from "../../scripts/lib/chromium.mjs";
import { LOOPBACK_ORIGINS } from "../../src/rpc/cors.js";
import { startTestApp, type TestApp } from "../helpers/app.js";

let app: TestApp;
let browser: Browser;
let page: Server;
let pagePort: number;

beforeAll(async () => {
  app = await startTestApp({ worker: false, env: { TASKYARD_CORS_ORIGINS: LOOPBACK_ORIGINS.join(",") } });
  page = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<!doctype html><title>other origin</title><p>another app</p>");
  });
  await new Promise<void>((resolve) => page.listen(0, "127.0.0.1", resolve));
  pagePort = (page.address() as AddressInfo).port;
  // `evil.test` resolves to loopback in this browser only: a non-loopback origin on the same machine.
  browser = await chromium.launch({ executablePath: findChromium(process.env)!, args: ["--no-sandbox", "--host-resolver-rules=MAP evil.test 127.0.0.1"] });
});

afterAll(async () => {
  await browser?.close();
  page?.close();
  await app?.stop();
});

async function callFrom(origin: string): Promise<string> {
  const tab = await browser.newPage();
  try {
    await tab.goto(`${origin}/`);
    return await tab.evaluate(async (api) => {
      try {
        const res = await fetch(`${api}/taskyard.v1.QueueService/ListQueues`, {
          method: "POST",
          headers: { "content-type": "application/json", "connect-protocol-version": "1" },
          body: "{}",
        });
        const id = res.headers.get("x-request-id") ? "request id readable" : "no request id";
        return `${res.status} ${JSON.stringify(await res.json()).includes('"default"') ? "default queue listed" : "no default queue"}, ${id}`;
      } catch (err) {
        return `refused: ${(err as Error).message}`;
      }
    }, app.baseUrl);
  } finally {
    await tab.close();
  }
}

describe("browsers on other origins", () => {
  it("a page on another loopback port calls the API (preflight included)", async () => {
    expect(await callFrom(`http://localhost:${pagePort}`)).toBe("200 default queue listed, request id readable");
    expect(await callFrom(`http://127.0.0.1:${pagePort}`)).toBe("200 default queue listed, request id readable");
  });

  it("a page on a non-loopback origin is refused", async () => {
    expect(await callFrom(`http://evil.test:${pagePort}`)).toMatch(/^refused: /);
  });
});
