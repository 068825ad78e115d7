/**
 * The task list in a real browser against a real server and worker: filtering by project and
 * status changes the rows and the facet counts (and Back undoes it); a demo.sleep task's bar
 * rises to 100 % pushed by WatchTasks; sorting by a header and keyset paging; a shared saved view
 * restores its URL and rows on a page opened without parameters; axe finds no serious issue.
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

function sleeper(project: string, name: string, steps: number, stepMs: number) {
  return app.grpc.createTask({ task: { type: "demo.sleep", project, name, params: { steps, step_ms: stepMs } } });
}

function failing(project: string, name: string) {
  return app.grpc.createTask({ task: { type: "demo.fail", project, name, maxAttempts: 1, params: { retryable: false, message: "list demo failure" } } });
}

/** The names in the table's rows, in order. */
const rowNames = (page: Page) => page.getByRole("table", { name: "Tasks" }).locator("tbody").getByRole("link").allInnerTexts();

/** The options the Type control offers, with their counts. */
async function typeOptions(page: Page): Promise<string[]> {
  await page.getByRole("combobox", { name: "Type" }).click();
  const options = await page.getByRole("listbox").getByRole("option").allInnerTexts();
  await page.keyboard.press("Escape");
  await page.getByRole("listbox").waitFor({ state: "detached" });
  return options.sort();
}

describe("console task list", () => {
  it("filters by project and status: rows and facet counts change, Back undoes it", async () => {
    const project = `list-${uniqueLabel()}`;
    const sleepers = await Promise.all([1, 2].map((i) => sleeper(project, `sleeper ${i}`, 60, 500)));
    const failed = await Promise.all([1, 2].map((i) => failing(project, `failing ${i}`)));
    for (const t of failed) expect(TaskStatus[(await untilDone(t.id)).status]).toBe("FAILED");

    const page = await openConsole(browser, app.baseUrl, `/tasks?project=${project}`);
    await expect.poll(async () => (await rowNames(page)).sort()).toEqual(["failing 1", "failing 2", "sleeper 1", "sleeper 2"]);
    await page.getByRole("checkbox", { name: "FAILED (2)" }).waitFor();
    await expect.poll(() => typeOptions(page)).toEqual(["demo.fail (2)", "demo.sleep (2)"]);
    await expect.poll(() => page.getByText("4 tasks", { exact: true }).count()).toBe(1);

    // A live bar: a sleeper runs and reports progress.
    await expect
      .poll(async () => {
        for (const t of sleepers) {
          const bar = page.getByRole("progressbar", { name: `Progress of ${t.name}` });
          if ((await bar.count()) && Number(await bar.getAttribute("aria-valuenow")) > 0) return true;
        }
        return false;
      }, { timeout: 30_000 })
      .toBe(true);
    await page.getByRole("checkbox", { name: "RUNNING (0)" }).waitFor({ state: "detached" });
    await expectAccessible(page);
    await page.evaluate("document.activeElement?.blur()");
    await screenshot(page, "tasks-list");
    await page.getByRole("button", { name: "Filter help" }).click();
    await page.getByRole("table", { name: "Filter operators" }).waitFor();
    await expectAccessible(page);
    await page.getByRole("button", { name: "Hide filter help" }).click();

    await page.getByRole("checkbox", { name: "FAILED (2)" }).check();
    await page.waitForURL(/status=/);
    await expect.poll(async () => (await rowNames(page)).sort()).toEqual(["failing 1", "failing 2"]);
    // Type counts are now those of the FAILED tasks; status counts still show the other statuses.
    await expect.poll(() => typeOptions(page)).toEqual(["demo.fail (2)"]);
    await expect.poll(() => page.getByText("2 tasks", { exact: true }).count()).toBe(1);
    expect(await page.getByRole("checkbox", { name: "FAILED (2)" }).isChecked()).toBe(true);
    await page.getByRole("checkbox", { name: /^(RUNNING|QUEUED) \(\d\)$/ }).first().waitFor();

    await page.goBack();
    await expect.poll(async () => (await rowNames(page)).sort()).toEqual(["failing 1", "failing 2", "sleeper 1", "sleeper 2"]);
    expect(await page.getByRole("checkbox", { name: "FAILED (2)" }).isChecked()).toBe(false);
    await expect.poll(() => typeOptions(page)).toEqual(["demo.fail (2)", "demo.sleep (2)"]);
    for (const t of sleepers) await app.grpc.cancelTask({ id: t.id });
    await page.context().close();
  });

  it("shows a running task's bar rise to 100 %, pushed by WatchTasks", async () => {
    const project = `live-${uniqueLabel()}`;
    const page = await openConsole(browser, app.baseUrl, `/tasks?project=${project}`);
    await page.getByText("No tasks match these filters.").waitFor();
    await sleeper(project, "rising", 10, 300);

    const bar = page.getByRole("progressbar", { name: "Progress of rising" });
    const seen: number[] = [];
    await expect
      .poll(
        async () => {
          if (await bar.count()) {
            const v = Number(await bar.getAttribute("aria-valuenow"));
            if (seen[seen.length - 1] !== v) seen.push(v);
          }
          return seen[seen.length - 1];
        },
        { timeout: 30_000, interval: 100 },
      )
      .toBe(100);
    // It rose step by step, never back.
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    const row = page.getByRole("row", { name: /rising/ });
    await expect.poll(() => row.innerText()).toContain("COMPLETED");
    expect(await row.innerText()).toContain("10/10");
    expect(await page.getByText(/live updates paused/).count()).toBe(0);
    await page.context().close();
  });

  it("sorts by a column header and pages by cursor", async () => {
    const project = `pages-${uniqueLabel()}`;
    const made = await Promise.all(["c", "a", "b"].map((n) => sleeper(project, `task ${n}`, 1, 10)));
    for (const t of made) await untilDone(t.id);

    const page = await openConsole(browser, app.baseUrl, `/tasks?project=${project}&size=2`);
    await expect.poll(() => page.getByText("3 tasks", { exact: true }).count()).toBe(1);
    const header = page.getByRole("columnheader", { name: "Name" });
    expect(await header.getAttribute("aria-sort")).toBe("none");
    expect(await page.getByRole("columnheader", { name: "Created" }).getAttribute("aria-sort")).toBe("descending");
    await header.getByRole("button", { name: "Name" }).click();
    await page.waitForURL(/order=name/);
    await expect.poll(() => rowNames(page)).toEqual(["task a", "task b"]);
    expect(await header.getAttribute("aria-sort")).toBe("ascending");

    await page.getByRole("button", { name: "Next page" }).click();
    await expect.poll(() => rowNames(page)).toEqual(["task c"]);
    expect(await page.getByRole("button", { name: "Next page" }).isDisabled()).toBe(true);
    await page.getByRole("button", { name: "Previous page" }).click();
    await expect.poll(() => rowNames(page)).toEqual(["task a", "task b"]);
    expect(await page.getByRole("button", { name: "Previous page" }).isDisabled()).toBe(true);

    await header.getByRole("button", { name: "Name" }).click();
    await expect.poll(() => rowNames(page)).toEqual(["task c", "task b"]);
    expect(await header.getAttribute("aria-sort")).toBe("descending");
    await page.context().close();
  });

  it("saves the filtered view as shared and restores it from the Views menu", async () => {
    const project = `view-${uniqueLabel()}`;
    const made = [await failing(project, "broken"), await sleeper(project, "fine", 1, 10)];
    for (const t of made) await untilDone(t.id);

    const page = await openConsole(browser, app.baseUrl, `/tasks?project=${project}&status=FAILED`);
    await expect.poll(() => rowNames(page)).toEqual(["broken"]);
    const name = `Failures of ${project}`;
    await page.getByRole("button", { name: "Save view" }).click();
    const dialog = page.getByRole("dialog", { name: "Save view" });
    await dialog.getByRole("textbox", { name: "Name" }).fill(name);
    await dialog.getByRole("switch", { name: "Share with my team" }).check();
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.waitForURL(/view=/);

    await page.goto(`${app.baseUrl}/console/tasks`);
    await page.getByRole("combobox", { name: "Saved view" }).click();
    await page.getByRole("option", { name: `${name} (shared)` }).click();
    await page.waitForURL((url) => url.searchParams.get("project")?.includes(project) === true && url.searchParams.has("status"));
    await expect.poll(() => rowNames(page)).toEqual(["broken"]);
    expect(await page.getByRole("checkbox", { name: /^FAILED/ }).isChecked()).toBe(true);
    expect(await page.getByRole("combobox", { name: "Saved view" }).innerText()).toContain(name);
    await expectAccessible(page);
    await screenshot(page, "tasks-saved-view");
    await page.context().close();
  });
});
