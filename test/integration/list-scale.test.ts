/**
 * The indexed forms ListTasks uses at scale (bench/list.ts measures them at 1M tasks) answer
 * exactly what the plain forms did: label equality through task_labels (kept in step by create,
 * update and delete), `search` through the FULLTEXT index (word-start substring), keyset pages
 * with the sargable cursor (ties on create_time included) and offset pages read by id.
 */
import { create } from "@bufbuild/protobuf";
import { FieldMaskSchema } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, uniqueLabel, type TestApp } from "../helpers/app.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ worker: false });
});
afterAll(async () => {
  await app?.stop();
});

const pending = (project: string, extra: Record<string, unknown> = {}) =>
  app.grpc.createTask({ task: { type: "demo.sleep", project, params: { steps: 1, step_ms: 1 }, ...extra }, start: false });
const ids = async (req: Record<string, unknown>) => (await app.grpc.listTasks({ pageSize: 100, ...req })).tasks.map((t) => t.id);

describe("label filters through task_labels", () => {
  it("match exactly, follow UpdateTask and DeleteTask, and keep != / OR / NOT meanings", async () => {
    const project = uniqueLabel();
    const a = await pending(project, { labels: { asset: "Asset-A1", product: "mood" } });
    const b = await pending(project, { labels: { asset: "a2" } });
    const c = await pending(project, {});

    expect(await ids({ project, labels: { asset: "Asset-A1" } })).toEqual([a.id]);
    expect(await ids({ project, filter: `labels.asset = "Asset-A1"` })).toEqual([a.id]);
    // Values and keys compare case-sensitively, as the JSON column does.
    expect(await ids({ project, filter: `labels.asset = "asset-a1"` })).toEqual([]);
    expect(await ids({ project, filter: `labels.ASSET = "Asset-A1"` })).toEqual([]);
    expect(await ids({ project, filter: `labels.asset != "Asset-A1"` })).toEqual([c.id, b.id]);
    expect(await ids({ project, filter: `NOT labels.asset = "a2"` })).toEqual([c.id, a.id]);
    expect(await ids({ project, filter: `labels.asset = "a2" OR labels.product = "mood"` })).toEqual([b.id, a.id]);
    expect(await ids({ project, filter: `labels.asset = "Asset-A1" AND labels.product = "mood"` })).toEqual([a.id]);

    await app.grpc.updateTask({ task: { id: a.id, labels: { asset: "a9" } }, updateMask: create(FieldMaskSchema, { paths: ["labels"] }) });
    expect(await ids({ project, labels: { asset: "Asset-A1" } })).toEqual([]);
    expect(await ids({ project, filter: `labels.product = "mood"` })).toEqual([]);
    expect(await ids({ project, filter: `labels.asset = "a9"` })).toEqual([a.id]);

    const clone = await app.grpc.cloneTask({ id: b.id, overrides: { labels: { version: "2" } }, start: false });
    expect(await ids({ project, labels: { asset: "a2", version: "2" } })).toEqual([clone.id]);

    await app.grpc.deleteTask({ id: b.id, force: true }); // b is the clone's parent
    expect(await ids({ project, filter: `labels.asset = "a2"` })).toEqual([clone.id]);
    const [{ n }] = (await app.dataSource.query(`SELECT COUNT(*) AS n FROM task_labels WHERE task_id = ?`, [b.id])) as Array<{ n: string }>;
    expect(Number(n)).toBe(0);
  });

  it("indexes the labels of BatchCreateTasks", async () => {
    const project = uniqueLabel();
    const { tasks } = await app.grpc.batchCreateTasks({
      requests: Array.from({ length: 30 }, (_, i) => ({ task: { type: "demo.sleep", project, labels: { n: String(i % 3), batch: project } }, start: false })),
    });
    const expected = tasks.filter((_, i) => i % 3 === 1).map((t) => t.id);
    expect((await ids({ project, filter: `labels.n = "1" AND labels.batch = "${project}"` })).sort()).toEqual(expected.sort());
  });
});

describe("search through the FULLTEXT index", () => {
  it("finds text at word starts in name, comment and label values, and short words by substring", async () => {
    const project = uniqueLabel();
    const a = await pending(project, { name: "Sunset clip of the ocean_view", labels: { asset: "Asset-000123" } });
    const b = await pending(project, { comment: "needs review by carol", labels: { asset: "a3" } });

    expect(await ids({ project, search: "sunset" })).toEqual([a.id]);
    expect(await ids({ project, search: "SUNSET CL" })).toEqual([a.id]);
    expect(await ids({ project, search: "the ocean" })).toEqual([a.id]); // no stopwords
    expect(await ids({ project, search: "ocean_vi" })).toEqual([a.id]);
    expect(await ids({ project, search: "review by car" })).toEqual([b.id]);
    expect(await ids({ project, search: "Asset-000123" })).toEqual([a.id]); // label value
    expect(await ids({ project, search: "000123" })).toEqual([a.id]);
    expect(await ids({ project, search: "a3" })).toEqual([b.id]); // too short for the index: substring scan
    expect(await ids({ project, search: "clip sunset" })).toEqual([]); // the words in this order
    expect(await ids({ project, search: "+sunset -clip* \"x\" (y) ~z @2" })).toEqual([]); // operators are text
  });
});

describe("pages", () => {
  it("walks keyset pages across equal create_times and agrees with page numbers", async () => {
    const project = uniqueLabel();
    // One batch: many tasks share a create_time millisecond.
    await app.grpc.batchCreateTasks({ requests: Array.from({ length: 45 }, () => ({ task: { type: "demo.sleep", project }, start: false })) });
    const all = await ids({ project });
    expect(all).toHaveLength(45);

    const walked: string[] = [];
    let pageToken = "";
    do {
      const page = await app.grpc.listTasks({ project, pageSize: 7, pageToken });
      walked.push(...page.tasks.map((t) => t.id));
      expect(page.totalSize).toBe(45);
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(walked).toEqual(all);

    const numbered: string[] = [];
    for (let page = 1; page <= 7; page++) numbered.push(...(await ids({ project, pageSize: 7, page })));
    expect(numbered).toEqual(all);
    expect(await ids({ project, pageSize: 7, page: 8 })).toEqual([]);
  });
});
