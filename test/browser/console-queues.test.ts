/**
 * The queue pages in a real browser against a real server with a worker: a queue with concurrency
 * limit 1 whose slot a long task holds, so three more tasks wait as entries; the last entry is
 * dragged to the top by keyboard (dnd-kit: focus the handle, Space, ArrowUp ×2, Space) and
 * MoveTask's new order shows in ListQueueEntries and on the page; the list page pauses and resumes
 * the queue (checked with GetQueue); "Edit limits" sets a rate limit through UpdateQueue. Two quick tasks run through the queue first so the history
 * charts have points and the fairness view has a project holding the slot and one waiting.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueueService } from "../../src/gen/taskyard/v1/queue_service_pb.js";
import { TaskStatus } from "../../src/gen/taskyard/v1/task_pb.js";
import { TaskService } from "../../src/gen/taskyard/v1/task_service_pb.js";
import { startTestApp, uniqueLabel, waitFor, type TestApp } from "../helpers/app.js";
import { expectAccessible, launchBrowser, openConsole, screenshot } from "../helpers/browser.js";

const label = uniqueLabel();
const QUEUE = `q-${label}`;
const HOLDER = `${label}-holder`;
const WAITER = `${label}-waiter`;

let app: TestApp;
let browser: Browser;
let blockerId = "";

const queues = () => app.client(QueueService);
const tasks = () => app.client(TaskService);
const entryIds = async () => (await queues().listQueueEntries({ name: QUEUE })).entries.map((e) => e.taskId);

async function runToStatus(id: string, status: TaskStatus): Promise<void> {
  await waitFor(() => tasks().getTask({ id }), (t) => t.status === status, 60_000, 200);
}

beforeAll(async () => {
  // The worker serves the test's queue (named before it exists: it is served under its default task queue).
  app = await startTestApp({ worker: true, env: { TASKYARD_WORKER_QUEUES: `default,${QUEUE}` } });
  browser = await launchBrowser();
  await queues().createQueue({ queue: { name: QUEUE, concurrencyLimit: 1, fairnessKey: "project", description: "Console queue test" } });
  // History: two quick tasks through the queue, one after the other (limit 1).
  for (const i of [1, 2]) {
    const t = await tasks().createTask({ task: { type: "demo.sleep", name: `warm-up ${i}`, project: HOLDER, queue: QUEUE, params: { steps: 1, step_ms: 50 } } });
    await runToStatus(t.id, TaskStatus.COMPLETED);
  }
  // The slot's holder, then three tasks waiting behind it.
  const blocker = await tasks().createTask({ task: { type: "demo.sleep", name: "slot holder", project: HOLDER, queue: QUEUE, params: { steps: 900, step_ms: 100 } } });
  blockerId = blocker.id;
  await runToStatus(blockerId, TaskStatus.RUNNING);
  for (const n of ["first", "second", "third"]) {
    await tasks().createTask({ task: { type: "demo.sleep", name: `entry ${n}`, project: WAITER, queue: QUEUE, params: { steps: 1, step_ms: 10 } } });
  }
  await waitFor(entryIds, (ids) => ids.length === 3);
});

afterAll(async () => {
  if (blockerId) await tasks().cancelTask({ id: blockerId, reason: "test done" }).catch(() => undefined);
  await browser?.close();
  await app?.stop();
});

const entriesTable = (page: Page) => page.getByRole("table", { name: `Entries of queue ${QUEUE} in dispatch order` });
const shownNames = (page: Page) => entriesTable(page).getByRole("rowheader").allInnerTexts();

describe("console queues", () => {
  it("reorders the entries by keyboard drag and shows fairness and history", async () => {
    const before = await entryIds();
    const names = (await queues().listQueueEntries({ name: QUEUE })).entries.map((e) => e.taskName);
    const page = await openConsole(browser, app.baseUrl, `/queues/${QUEUE}`);
    await page.getByRole("heading", { level: 1, name: `Queue ${QUEUE}` }).waitFor();
    await expect.poll(() => shownNames(page)).toEqual(names);

    const last = entriesTable(page).getByRole("row").filter({ has: page.getByRole("rowheader", { name: names[2] }) });
    const handle = last.getByRole("button", { name: "Drag to reorder" });
    await handle.focus();
    // Each step waits for the drag's state: the handle pressed, then what dnd-kit announces to
    // screen readers (its live region).
    await page.keyboard.press("Space");
    await expect.poll(() => handle.getAttribute("aria-pressed")).toBe("true");
    await page.keyboard.press("ArrowUp");
    await page.getByText(`${names[2]} is over position 2 of 3.`).waitFor({ state: "attached" });
    await page.keyboard.press("ArrowUp");
    await page.getByText(`${names[2]} is over position 1 of 3.`).waitFor({ state: "attached" });
    await page.keyboard.press("Space");

    // MoveTask put it first: the server's order, and the page's.
    await expect.poll(entryIds, { timeout: 10_000 }).toEqual([before[2], before[0], before[1]]);
    await expect.poll(() => shownNames(page)).toEqual([names[2], names[0], names[1]]);
    await page.getByText(`Moved ${names[2]} to position 1.`).waitFor();

    // The buttons do it too: the (now) last one up one place.
    const lastNow = entriesTable(page).getByRole("row").filter({ has: page.getByRole("rowheader", { name: names[1] }) });
    await lastNow.getByRole("button", { name: "Move up" }).click();
    await expect.poll(entryIds, { timeout: 10_000 }).toEqual([before[2], before[1], before[0]]);
    await expect.poll(() => shownNames(page)).toEqual([names[2], names[1], names[0]]);

    // Fairness: the holder's project holds the one slot, the waiter's project waits with three.
    const fairness = page.getByRole("table", { name: `Projects of queue ${QUEUE}: slots held and tasks waiting` });
    await expect.poll(() => fairness.getByRole("row").allInnerTexts()).toEqual(
      expect.arrayContaining([expect.stringMatching(new RegExp(`${HOLDER}\\s+1\\s+100 %\\s+0`)), expect.stringMatching(new RegExp(`${WAITER}\\s+0\\s+0 %\\s+3`))]),
    );
    await page.getByText(/^Last 60 minutes: [1-9]\d* started/).waitFor();
    await page.getByRole("button", { name: "Show the data as a table" }).first().click();
    await page.getByRole("table", { name: "Queue history per minute" }).waitFor();

    await expectAccessible(page);
    await screenshot(page, "queue-detail");

    // Edit limits: a rate limit (the concurrency limit stays 1, so nothing more starts).
    await page.getByRole("button", { name: "Edit limits" }).click();
    const dialog = page.getByRole("dialog", { name: `Edit limits of ${QUEUE}` });
    await dialog.getByLabel("Rate (tasks per second)").fill("5");
    await dialog.getByLabel("Burst").fill("2");
    await expectAccessible(page);
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    const edited = await queues().getQueue({ name: QUEUE });
    expect(edited.rateLimit).toMatchObject({ perSecond: 5, burst: 2 });
    expect(edited.concurrencyLimit).toBe(1);
    await page.getByText("5/s (burst 2)").waitFor();
    await page.context().close();
  });

  it("pauses and resumes a queue from the list", async () => {
    const page = await openConsole(browser, app.baseUrl, "/queues");
    await page.getByRole("heading", { level: 1, name: "Queues" }).waitFor();
    const row = page.getByRole("row").filter({ has: page.getByRole("rowheader", { name: QUEUE }) });
    // Stats arrived: 3 queued, 1 running.
    await expect.poll(() => row.getByRole("cell").allInnerTexts()).toEqual(expect.arrayContaining(["3", "1"]));

    await row.getByRole("button", { name: "Pause" }).click();
    await expect.poll(async () => (await queues().getQueue({ name: QUEUE })).paused).toBe(true);
    await row.getByRole("button", { name: "Resume" }).waitFor();
    await row.getByText("Paused").waitFor();
    await expectAccessible(page);
    await screenshot(page, "queues-list");

    await row.getByRole("button", { name: "Resume" }).click();
    await expect.poll(async () => (await queues().getQueue({ name: QUEUE })).paused).toBe(false);
    await row.getByRole("button", { name: "Pause" }).waitFor();
    await page.context().close();
  });
});
