/**
 * Bulk actions by query in a real browser against a real server and worker: the task list
 * filtered to a project's FAILED tasks, "All matching the view" → Retry shows the dry-run count,
 * then each task's outcome, and the server has queued both tasks again as attempt 2; "Retry
 * failed items" on a COMPLETED_WITH_ERRORS demo.items task makes a new task of its failed items.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskStatus } from "../../src/gen/taskyard/v1/task_pb.js";
import { isTerminal, startTestApp, uniqueLabel, waitFor, type TestApp } from "../helpers/app.js";
import { expectAccessible, launchBrowser, openConsole, screenshot } from "../helpers/browser.js";

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  app = await startTestApp({ worker: true });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const untilDone = (id: string) => waitFor(() => app.grpc.getTask({ id }), isTerminal, 60_000, 200);

/** Opens the bulk action `action` on every task the page's view matches; answers its dialog. */
async function bulkByQuery(page: Page, action: string) {
  await page.getByRole("radio", { name: "All matching the view" }).check();
  await page.getByRole("button", { name: "Bulk actions" }).click();
  await page.getByRole("menuitem", { name: action, exact: true }).click();
  return page.getByRole("dialog", { name: `${action}: all matching the view` });
}

describe("console bulk actions", () => {
  it("retries two failed tasks by query after the dry-run count, and shows each outcome", async () => {
    const project = `bulk-${uniqueLabel()}`;
    // One execution each (max_attempts 1), a retryable error: FAILED soon, and RetryTask allows it.
    const failing = await Promise.all(
      [1, 2].map((i) => app.grpc.createTask({ task: { type: "demo.fail", project, name: `failing ${i}`, maxAttempts: 1, params: { retryable: true, message: "bulk demo failure" } } })),
    );
    const sleeper = await app.grpc.createTask({ task: { type: "demo.sleep", project, name: "completes", params: { steps: 1, step_ms: 10 } } });
    const done = await Promise.all([...failing, sleeper].map((t) => untilDone(t.id)));
    expect(done.map((t) => TaskStatus[t.status])).toEqual(["FAILED", "FAILED", "COMPLETED"]);

    const page = await openConsole(browser, app.baseUrl, `/tasks?project=${project}&status=FAILED`);
    const dialog = await bulkByQuery(page, "Retry");
    await expect.poll(() => dialog.getByRole("status").innerText()).toBe("This will retry 2 tasks.");
    await expectAccessible(page);
    await screenshot(page, "bulk-dry-run");

    await dialog.getByRole("button", { name: "Retry", exact: true }).click();
    const outcome = page.getByRole("dialog", { name: "Retry: outcome" });
    await expect.poll(() => outcome.getByRole("status").innerText()).toBe("2 succeeded, 0 failed");
    const rows = await outcome.getByRole("row").allInnerTexts();
    expect(rows.slice(1).map((r) => r.replace(/\s+/g, " ").trim()).sort()).toEqual(failing.map((t) => `${t.id} OK`).sort());
    await expectAccessible(page);
    await screenshot(page, "bulk-outcome");

    // The server queued both again as attempt 2; the completed task was not touched.
    for (const t of failing) expect((await app.grpc.getTask({ id: t.id })).attempt).toBe(2);
    expect((await app.grpc.getTask({ id: sleeper.id })).attempt).toBe(1);
    await outcome.getByRole("button", { name: "Close" }).click();
    await outcome.waitFor({ state: "detached" });
    await page.context().close();
  });

  it("retries only the failed items of a COMPLETED_WITH_ERRORS task, linking to the new task", async () => {
    const project = `bulk-items-${uniqueLabel()}`;
    const source = await app.grpc.createTask({ task: { type: "demo.items", project, name: "three items", params: { items: ["a", "b", "c"], fail: ["b"], step_ms: 10 } } });
    expect(TaskStatus[(await untilDone(source.id)).status]).toBe("COMPLETED_WITH_ERRORS");

    const page = await openConsole(browser, app.baseUrl, `/tasks?project=${project}&status=COMPLETED_WITH_ERRORS`);
    const dialog = await bulkByQuery(page, "Retry failed items");
    await expect.poll(() => dialog.getByRole("status").innerText()).toBe("This will retry the failed items of 1 task.");
    await expect.poll(() => dialog.innerText()).toContain("Types that support it: demo.items");
    await dialog.getByRole("button", { name: "Retry failed items", exact: true }).click();

    const outcome = page.getByRole("dialog", { name: "Retry failed items: outcome" });
    await expect.poll(() => outcome.getByRole("status").innerText()).toBe("1 succeeded, 0 failed");
    const made = await app.grpc.listTasks({ project, labels: { retry_of: source.id } });
    expect(made.tasks).toHaveLength(1);
    const retry = made.tasks[0]!;
    expect(retry.params).toMatchObject({ items: ["b"] });
    await screenshot(page, "bulk-retry-failed-items");

    await outcome.getByRole("link", { name: retry.id }).click();
    await page.waitForURL(new RegExp(`/console/tasks/${retry.id}$`));
    await page.context().close();
  });
});
