/**
 * The console in a real browser: playwright-core driving the system Chromium (Debian's
 * /usr/bin/chromium, or TASKYARD_CHROMIUM_PATH; the bootstrap installs it) against a real
 * Taskyard (startTestApp). Screenshots go to test-results/console/, kept by CI as artifacts;
 * `expectAccessible` runs axe and fails on serious or critical violations.
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import { chromium, type Browser, type Page } from "playwright-core";
import { expect } from "vitest";
import { findChromium } from "../../scripts/lib/chromium.mjs";

export const SCREENSHOT_DIR = path.resolve("test-results", "console");

export async function launchBrowser(): Promise<Browser> {
  const executablePath = findChromium(process.env);
  if (!executablePath) throw new Error("no Chromium: run `node scripts/bootstrap.mjs test` or set TASKYARD_CHROMIUM_PATH");
  return chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
}

/** A fresh page (own storage) on the console of the app at `baseUrl`, optionally signed in with `token`. */
export async function openConsole(browser: Browser, baseUrl: string, route = "/tasks", token?: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: `${baseUrl}/console/`, viewport: { width: 1440, height: 900 } });
  if (token) await context.addInitScript(`localStorage.setItem("taskyard.token", ${JSON.stringify(token)})`);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${baseUrl}/console${route}`);
  return page;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  if (!existsSync(SCREENSHOT_DIR)) mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** axe-core over the page as it is now: no serious or critical violations. */
export async function expectAccessible(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join("; ")}`)).toEqual([]);
}
