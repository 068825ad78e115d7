/**
 * A task's page in a real browser against a real server with a worker: a running demo.sleep is
 * aborted with Abort (CANCELLING then CANCELLED, on the page and in the API, the abort in the
 * timeline), retried with Retry and aborted again (two attempts in the timeline); a task behind a
 * queue's concurrency limit of 1 says why it waits and links the task holding the slot; a
 * finished task is cloned with new params from the form generated from demo.sleep's schema; a
 * partial success lists its failed items and "Retry failed items" opens a new task with only those.
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

let app: TestApp;
let browser: Browser;
const cleanup: string[] = [];

const tasks = () => app.client(TaskService);

async function runToStatus(id: string, status: TaskStatus): Promise<void> {
  await waitFor(() => tasks().getTask({ id }), (t) => t.status === status, 60_000, 200);
}

async function createSleep(name: string, steps: number, stepMs: number, queue = "default"): Promise<string> {
  const t = await tasks().createTask({ task: { type: "demo.sleep", name, project: label, queue, params: { steps, step_ms: stepMs } } });
  cleanup.push(t.id);
  return t.id;
}

const status = (page: Page) => page.getByRole("status", { name: "Status" });
const timeline = (page: Page) => page.getByRole("table", { name: /^Timeline/ });

beforeAll(async () => {
  // The worker serves the test's queue (named before it exists: it is served under its default task queue).
  app = await startTestApp({ worker: true, env: { TASKYARD_WORKER_QUEUES: `default,${QUEUE}` } });
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const id of cleanup) await tasks().cancelTask({ id, reason: "test done" }).catch(() => undefined);
  await browser?.close();
  await app?.stop();
});

describe("console task detail", () => {
  it("aborts a running task, retries it and aborts it again; the timeline shows both attempts", async () => {
    const id = await createSleep(`${label} long sleep`, 100, 200);
    const page = await openConsole(browser, app.baseUrl, `/tasks/${id}`);
    await page.getByRole("heading", { level: 1, name: `${label} long sleep` }).waitFor();
    await expect.poll(() => status(page).innerText(), { timeout: 30_000 }).toBe("RUNNING");
    const bar = page.getByRole("progressbar", { name: "Progress" });
    await expect.poll(async () => Number(await bar.getAttribute("aria-valuenow")), { timeout: 20_000 }).toBeGreaterThan(0);
    await page.getByText(/^\d+\/100 \(\d+ %\) · step \d+ of 100 · ETA /).waitFor();
    await timeline(page).getByRole("row", { name: /Progress \d+\/100/ }).waitFor();
    await expectAccessible(page);
    await screenshot(page, "task-detail-running");

    await page.getByRole("button", { name: "Abort", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: `Abort ${label} long sleep?` });
    await dialog.getByLabel("Reason (optional)").fill("wrong input file");
    await dialog.getByRole("button", { name: "Abort task" }).click();
    await expect.poll(() => status(page).innerText(), { timeout: 30_000 }).toBe("CANCELLED");
    expect((await tasks().getTask({ id })).status).toBe(TaskStatus.CANCELLED);
    await timeline(page).getByRole("row", { name: /RUNNING → CANCELLING.*wrong input file/ }).waitFor();
    await timeline(page).getByRole("row", { name: /CANCELLING → CANCELLED/ }).waitFor();
    expect(await page.getByRole("button", { name: "Abort", exact: true }).isDisabled()).toBe(true);

    // Retry: attempt 2 runs (the stream opens again for the no longer terminal task); abort it too.
    await page.getByRole("button", { name: "Retry", exact: true }).click();
    await expect.poll(() => status(page).innerText(), { timeout: 30_000 }).toBe("RUNNING");
    await timeline(page).getByText("Attempt 2 · begun by USER_RETRY").waitFor();
    await page.getByRole("button", { name: "Abort", exact: true }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Abort task" }).click();
    await expect.poll(() => status(page).innerText(), { timeout: 30_000 }).toBe("CANCELLED");
    const t = await tasks().getTask({ id });
    expect([t.status, t.attempt]).toEqual([TaskStatus.CANCELLED, 2]);
    await expect.poll(() => timeline(page).getByRole("row", { name: /CANCELLING → CANCELLED/ }).count()).toBe(2);
    await expect.poll(() => timeline(page).getByRole("row", { name: /Progress/ }).count()).toBe(0);
    await page.getByRole("link", { name: /^Open in Temporal UI/ }).waitFor();
    await page.getByText(`TaskyardTaskId = "${id}"`).waitFor();
    await screenshot(page, "task-detail-timeline");
    await page.context().close();
  });

  it("says why a task waits behind a concurrency limit and links the task holding the slot", async () => {
    await app.client(QueueService).createQueue({ queue: { name: QUEUE, concurrencyLimit: 1, description: "Task detail test" } });
    const holder = await createSleep(`${label} slot holder`, 600, 100, QUEUE);
    await runToStatus(holder, TaskStatus.RUNNING);
    const waiter = await createSleep(`${label} waiter`, 1, 10, QUEUE);

    const page = await openConsole(browser, app.baseUrl, `/tasks/${waiter}`);
    const panel = page.getByRole("region", { name: "Why is it waiting?" });
    await panel.getByRole("heading", { level: 3, name: "Concurrency limit held" }).waitFor();
    await panel.getByRole("link", { name: holder }).waitFor();
    await panel.getByText(/^Estimated wait$/).waitFor();
    expect(await status(page).innerText()).toBe("QUEUED");
    await expectAccessible(page);
    await screenshot(page, "why-waiting");

    // The link opens the holder's page, which waits for nothing.
    await panel.getByRole("link", { name: holder }).click();
    await page.getByRole("heading", { level: 1, name: `${label} slot holder` }).waitFor();
    expect(await page.getByRole("region", { name: "Why is it waiting?" }).count()).toBe(0);
    await page.context().close();
  });

  it("clones a finished task with params edited in the form generated from its type's schema", async () => {
    const id = await createSleep(`${label} quick`, 2, 10);
    await runToStatus(id, TaskStatus.COMPLETED);
    const page = await openConsole(browser, app.baseUrl, `/tasks/${id}`);
    await expect.poll(() => status(page).innerText()).toBe("COMPLETED");

    await page.getByRole("button", { name: "Clone and edit params" }).click();
    const dialog = page.getByRole("dialog", { name: `Clone ${label} quick and edit params` });
    const steps = dialog.getByRole("spinbutton", { name: "steps" });
    expect(await steps.inputValue()).toBe("2");
    await steps.fill("3");
    await dialog.getByLabel("Name").fill(`${label} quick clone`);
    await expectAccessible(page);
    await screenshot(page, "task-clone-dialog");
    await dialog.getByRole("button", { name: "Create clone" }).click();

    await page.getByRole("heading", { level: 1, name: `${label} quick clone` }).waitFor();
    const cloneId = /\/tasks\/([^/?#]+)$/.exec(page.url())?.[1];
    expect(cloneId).toBeDefined();
    expect(cloneId).not.toBe(id);
    cleanup.push(cloneId!);
    const clone = await tasks().getTask({ id: cloneId! });
    expect(clone.params).toEqual({ steps: 3, step_ms: 10 });
    expect(clone.parentId).toBe(id);
    await page.getByRole("region", { name: "Parameters" }).getByText('"steps": 3').waitFor();
    await expect.poll(() => status(page).innerText(), { timeout: 30_000 }).toBe("COMPLETED");
    await page.context().close();
  });

  it("shows the failed items of a partial success and retries only those as a new task", async () => {
    const t = await tasks().createTask({
      task: { type: "demo.items", name: `${label} items`, project: label, params: { items: ["a", "b", "c", "d"], fail: ["b", "d"], step_ms: 10 } },
    });
    await runToStatus(t.id, TaskStatus.COMPLETED_WITH_ERRORS);
    const page = await openConsole(browser, app.baseUrl, `/tasks/${t.id}`);
    const failed = page.getByRole("table", { name: "Failed items" });
    await expect.poll(() => failed.getByRole("rowheader").allInnerTexts()).toEqual(["b", "d"]);
    await page.getByText("2 items succeeded, 2 failed.").waitFor();
    await expectAccessible(page);

    await page.getByRole("button", { name: "Retry failed items" }).click();
    await expect.poll(() => page.url()).not.toContain(t.id);
    const retryId = /\/tasks\/([^/?#]+)$/.exec(page.url())![1]!;
    const retry = await tasks().getTask({ id: retryId });
    expect(retry.params?.items).toEqual(["b", "d"]);
    expect(retry.parentId).toBe(t.id);
    await page.getByRole("region", { name: "Details" }).getByRole("link", { name: t.id }).waitFor();
    await page.context().close();
  });
});
