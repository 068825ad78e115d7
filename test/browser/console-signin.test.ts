/**
 * The console over a real server with authentication on: an unauthenticated visit lands on the
 * sign-in page, a bad key is refused in words, an API key signs in and the page it asked for opens.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/app.js";
import { createApiKey } from "../helpers/auth.js";
import { expectAccessible, launchBrowser, openConsole, screenshot } from "../helpers/browser.js";

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  app = await startTestApp({ worker: false, env: { TASKYARD_AUTH_MODE: "on" } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe("console sign-in", () => {
  it("serves the console at /console with caching rules", async () => {
    const index = await fetch(`${app.baseUrl}/console/`);
    expect(index.status).toBe(200);
    expect(index.headers.get("cache-control")).toBe("no-cache");
    const html = await index.text();
    const asset = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const js = await fetch(`${app.baseUrl}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get("cache-control")).toContain("immutable");
    // A deep link answers the app too (the router shows the page).
    expect((await fetch(`${app.baseUrl}/console/tasks/abc`)).status).toBe(200);
    expect((await fetch(`${app.baseUrl}/console`, { redirect: "manual" })).status).toBe(308);
  });

  it("asks for a credential, refuses a bad one in words, and signs in with an API key", async () => {
    const { token } = await createApiKey(app.dataSource, "default", "admin");
    const page = await openConsole(browser, app.baseUrl, "/queues");
    await page.getByRole("heading", { name: "Sign in to Taskyard" }).waitFor();
    await expectAccessible(page);

    await page.getByLabel("API key or token").fill("tyk_not_a_real_key");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").innerText()).toContain("UNAUTHENTICATED");
    await screenshot(page, "signin-refused");

    await page.getByLabel("API key or token").fill(token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/console\/queues$/);
    expect(await page.evaluate("localStorage.getItem('taskyard.token')")).toBe(token);
    await page.context().close();
  });
});
