/**
 * SavedViewService end to end with authentication on, over gRPC and Connect JSON: a view keeps a
 * ListTasks query (without its paging) that ListTasks then accepts; personal views exist only for
 * their owner, shared ones are read by the whole tenant and changed only by their owner or an
 * admin; another tenant sees nothing; names are unique per owner / per tenant; a query ListTasks
 * would refuse is INVALID_ARGUMENT naming the field under `view.query`.
 */
import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { Client } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Health, HealthCheckResponse_ServingStatus } from "../../src/gen/grpc/health/v1/health_pb.js";
import { SavedViewService, type SavedView } from "../../src/gen/taskyard/v1/saved_view_service_pb.js";
import { TaskStatus } from "../../src/gen/taskyard/v1/task_pb.js";
import { TaskService } from "../../src/gen/taskyard/v1/task_service_pb.js";
import { startTestApp, uniqueLabel, type TestApp } from "../helpers/app.js";
import { startTestIdp, uniqueTenant, type TestIdp } from "../helpers/auth.js";
import { failure } from "../helpers/rpc.js";

type Views = Client<typeof SavedViewService>;
type Protocol = "grpc" | "connect";
const PROTOCOLS: Protocol[] = ["grpc", "connect"];
const SERVICE = "taskyard.v1.SavedViewService";
const UNKNOWN = "01900000-0000-7000-8000-00000000abcd";

let idp: TestIdp;
let app: TestApp;
const tenantA = uniqueTenant("sva");
const tenantB = uniqueTenant("svb");
// Per user of tenant A (and B's admin): a token and a client per protocol.
const users = {
  alice: { tenant: tenantA, roles: ["viewer"], sub: "alice@a.example" },
  bob: { tenant: tenantA, roles: ["viewer"], sub: "bob@a.example" },
  carol: { tenant: tenantA, roles: ["admin"], sub: "carol@a.example" },
  dave: { tenant: tenantB, roles: ["admin"], sub: "dave@b.example" },
  worker: { tenant: tenantA, roles: ["worker"], sub: "worker@a.example" },
} as const;
type User = keyof typeof users;
const tokens = {} as Record<User, string>;
const clients = {} as Record<Protocol, Record<User, Views>>;

beforeAll(async () => {
  idp = await startTestIdp();
  app = await startTestApp({ worker: false, env: idp.env });
  for (const [name, u] of Object.entries(users)) tokens[name as User] = await idp.token({ tenant: u.tenant, roles: [...u.roles], sub: u.sub });
  for (const protocol of PROTOCOLS) {
    clients[protocol] = {} as Record<User, Views>;
    for (const name of Object.keys(users) as User[]) clients[protocol][name] = app.client(SavedViewService, { token: tokens[name], protocol });
  }
});
afterAll(async () => {
  await app?.stop();
  await idp?.stop();
});

const unique = (what: string) => `${what} ${uniqueLabel()}`;
const query = { filter: 'status = FAILED AND labels.env = "prod"', statuses: [TaskStatus.FAILED], orderBy: "create_time desc", pageSize: 50 };
const row = async (id: string) => ((await app.dataSource.query(`SELECT owner, name, shared, scope, query FROM saved_views WHERE id = ?`, [id])) as Array<Record<string, unknown>>)[0];
const names = (views: SavedView[]) => views.map((v) => v.name);

describe.each(PROTOCOLS)("over %s", (protocol) => {
  const as = (user: User) => clients[protocol][user];

  it("creates, gets, lists, updates and deletes a personal view, keeping a query ListTasks accepts", async () => {
    const name = unique("failed in prod");
    const created = await as("alice").createSavedView({ view: { name: `  ${name}  `, query: { ...query, page: 3, pageToken: "abc", skip: 5 } } });
    expect(created).toMatchObject({ name, shared: false, owner: users.alice.sub, editable: true });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    // The paging fields are not kept; filters, order and page size are.
    expect(created.query).toMatchObject({ ...query, page: 0, pageToken: "", skip: 0 });
    expect(timestampMs(created.createTime!)).toBeGreaterThan(Date.now() - 60_000);
    expect(await row(created.id)).toMatchObject({ owner: users.alice.sub, name, shared: 0, scope: users.alice.sub });
    expect(JSON.parse(String((await row(created.id))!.query))).toEqual({ filter: query.filter, statuses: ["TASK_STATUS_FAILED"], orderBy: query.orderBy, pageSize: 50 });

    const got = await as("alice").getSavedView({ id: created.id });
    expect(got).toEqual(created);
    const tasks = app.client(TaskService, { token: tokens.alice, protocol });
    expect((await tasks.listTasks(got.query!)).tasks).toEqual([]);
    expect(names((await as("alice").listSavedViews({})).views)).toContain(name);

    const renamed = unique("renamed");
    const updated = await as("alice").updateSavedView({
      view: { id: created.id, name: renamed, query: { filter: "status = RUNNING" }, shared: true },
      updateMask: { paths: ["name", "query"] },
    });
    expect(updated).toMatchObject({ id: created.id, name: renamed, shared: false, editable: true, query: { filter: "status = RUNNING", pageSize: 0 } });
    expect(timestampMs(updated.updateTime!)).toBeGreaterThanOrEqual(timestampMs(created.updateTime!));
    expect(timestampMs(updated.createTime!)).toBe(timestampMs(created.createTime!));
    expect(await as("alice").getSavedView({ id: created.id })).toEqual(updated);

    await as("alice").deleteSavedView({ id: created.id });
    expect(await failure(() => as("alice").getSavedView({ id: created.id }))).toEqual({ code: "NotFound", message: `saved view "${created.id}" not found` });
    expect(await row(created.id)).toBeUndefined();
  });

  it("hides a personal view from everyone else, an admin and another tenant included", async () => {
    const mine = await as("alice").createSavedView({ view: { name: unique("mine"), query: {} } });
    for (const other of ["bob", "carol", "dave"] as const) {
      const notFound = { code: "NotFound", message: `saved view "${mine.id}" not found` };
      expect(await failure(() => as(other).getSavedView({ id: mine.id })), other).toEqual(notFound);
      expect(await failure(() => as(other).updateSavedView({ view: { id: mine.id, name: "taken" }, updateMask: { paths: ["name"] } })), other).toEqual(notFound);
      expect(await failure(() => as(other).deleteSavedView({ id: mine.id })), other).toEqual(notFound);
      expect((await as(other).listSavedViews({ pageSize: 500 })).views.map((v) => v.id), other).not.toContain(mine.id);
    }
    expect((await as("alice").getSavedView({ id: mine.id })).name).toBe(mine.name);
  });

  it("shows a shared view to the tenant: not editable by another viewer, editable by an admin, unknown to another tenant", async () => {
    const view = await as("alice").createSavedView({ view: { name: unique("team"), query: { queue: "default" }, shared: true } });
    expect(await row(view.id)).toMatchObject({ shared: 1, scope: "" });

    const seenByBob = await as("bob").getSavedView({ id: view.id });
    expect(seenByBob).toMatchObject({ name: view.name, owner: users.alice.sub, shared: true, editable: false });
    expect((await as("bob").listSavedViews({ pageSize: 500 })).views.find((v) => v.id === view.id)?.editable).toBe(false);
    const denied = await failure(() => as("bob").updateSavedView({ view: { id: view.id, name: "hijacked" }, updateMask: { paths: ["name"] } }));
    expect(denied.code).toBe("PermissionDenied");
    expect(denied.message).toMatch(/owner or an admin/);
    expect((await failure(() => as("bob").deleteSavedView({ id: view.id }))).code).toBe("PermissionDenied");
    expect(await row(view.id)).toMatchObject({ name: view.name });

    expect(await failure(() => as("dave").getSavedView({ id: view.id }))).toEqual({ code: "NotFound", message: `saved view "${view.id}" not found` });
    // Exactly what an id that never existed answers.
    const unknown = await failure(() => as("dave").deleteSavedView({ id: UNKNOWN }));
    expect(await failure(() => as("dave").deleteSavedView({ id: view.id }))).toEqual({ code: unknown.code, message: unknown.message.replace(UNKNOWN, view.id) });
    expect((await as("dave").listSavedViews({ pageSize: 500 })).views.map((v) => v.id)).not.toContain(view.id);

    expect((await as("carol").getSavedView({ id: view.id })).editable).toBe(true);
    const byAdmin = await as("carol").updateSavedView({ view: { id: view.id, name: `${view.name} (admin)` }, updateMask: { paths: ["name"] } });
    expect(byAdmin).toMatchObject({ name: `${view.name} (admin)`, owner: users.alice.sub, editable: true });
    await as("carol").deleteSavedView({ id: view.id });
    expect(await row(view.id)).toBeUndefined();
  });

  it("answers ALREADY_EXISTS for a name the owner (personal) or the tenant (shared) already uses", async () => {
    const name = unique("Dup");
    await as("alice").createSavedView({ view: { name, query: {} } });
    const dup = await failure(() => as("alice").createSavedView({ view: { name: name.toLowerCase(), query: {} } }));
    expect(dup.code).toBe("AlreadyExists");
    expect(dup.message).toMatch(/^view\.name: you already have a personal view named/);
    // Another owner's personal view, a shared view and another tenant's view may share the name.
    await as("bob").createSavedView({ view: { name, query: {} } });
    const shared = await as("alice").createSavedView({ view: { name, query: {}, shared: true } });
    await as("dave").createSavedView({ view: { name, query: {}, shared: true } });
    const sharedDup = await failure(() => as("bob").createSavedView({ view: { name, query: {}, shared: true } }));
    expect(sharedDup.code).toBe("AlreadyExists");
    expect(sharedDup.message).toMatch(/^view\.name: the tenant already has a shared view named/);
    // Unsharing into a taken personal name, or renaming onto one, collides too.
    expect((await failure(() => as("alice").updateSavedView({ view: { id: shared.id, shared: false }, updateMask: { paths: ["shared"] } }))).code).toBe("AlreadyExists");
    const other = await as("alice").createSavedView({ view: { name: unique("other"), query: {} } });
    expect((await failure(() => as("alice").updateSavedView({ view: { id: other.id, name }, updateMask: { paths: ["name"] } }))).code).toBe("AlreadyExists");
    expect((await as("alice").getSavedView({ id: other.id })).name).toBe(other.name);
  });

  it("refuses a query ListTasks would refuse, naming the field under view.query, and bad names, masks and ids", async () => {
    const alice = as("alice");
    const fails = (view: object) => failure(() => alice.createSavedView({ view }));
    const name = unique("bad");
    expect(await fails({ name, query: { filter: "status = NOPE" } })).toMatchObject({ code: "InvalidArgument", message: expect.stringMatching(/^view\.query\.filter: /) });
    expect(await fails({ name, query: { orderBy: "secret_column" } })).toMatchObject({ code: "InvalidArgument", message: expect.stringMatching(/^view\.query\.order_by: /) });
    expect(await fails({ name, query: { pageSize: 501 } })).toMatchObject({ code: "InvalidArgument", message: expect.stringMatching(/^view\.query\.page_size: /) });
    expect(await fails({ name, query: { createTime: { startTime: { seconds: 20n }, endTime: { seconds: 10n } } } })).toMatchObject({ message: expect.stringMatching(/^view\.query\.create_time\.end_time: /) });
    expect(await fails({ name })).toEqual({ code: "InvalidArgument", message: "view.query: is required" });
    expect(await fails({ name: "   ", query: {} })).toMatchObject({ code: "InvalidArgument", message: expect.stringMatching(/^view\.name: /) });
    expect(await fails({ name: "x".repeat(101), query: {} })).toMatchObject({ code: "InvalidArgument", message: expect.stringMatching(/^view\.name: /) });
    // 100 characters is fine even when each is two UTF-16 units.
    expect((await alice.createSavedView({ view: { name: `${"🙂".repeat(90)}${uniqueLabel().slice(-10)}`, query: {} } })).name).toHaveLength(190);

    const view = await alice.createSavedView({ view: { name, query: {} } });
    const update = (paths: string[], patch: object = {}) => failure(() => alice.updateSavedView({ view: { id: view.id, ...patch }, updateMask: { paths } }));
    expect(await update(["query"], { query: { filter: "unknown_field = 1" } })).toMatchObject({ code: "InvalidArgument", message: expect.stringMatching(/^view\.query\.filter: /) });
    expect(await update([])).toMatchObject({ code: "InvalidArgument", message: expect.stringMatching(/^update_mask: /) });
    expect(await update(["owner"])).toMatchObject({ code: "InvalidArgument", message: expect.stringMatching(/^update_mask: cannot update "owner"/) });
    expect(await failure(() => alice.getSavedView({ id: "not-a-uuid" }))).toMatchObject({ code: "InvalidArgument", message: expect.stringMatching(/^id: /) });
    expect(await failure(() => alice.listSavedViews({ pageToken: "bm9wZQ" }))).toMatchObject({ code: "InvalidArgument", message: expect.stringMatching(/^page_token: /) });
    expect(await row(view.id)).toMatchObject({ query: "{}" });
  });
});

describe("listing", () => {
  it("pages through personal and shared views by name, with the tenant's shared ones and none of the others'", async () => {
    const tenant = uniqueTenant("svp");
    const token = (sub: string) => idp.token({ tenant, roles: ["viewer"], sub });
    const erin = app.client(SavedViewService, { token: await token("erin") });
    const finn = app.client(SavedViewService, { token: await token("finn"), protocol: "connect" });
    for (const n of ["delta", "Alpha", "echo", "charlie"]) await erin.createSavedView({ view: { name: n, query: {} } });
    await finn.createSavedView({ view: { name: "bravo", query: {}, shared: true } });
    await finn.createSavedView({ view: { name: "finn's own", query: {} } });

    const seen: SavedView[] = [];
    let pageToken = "";
    let pages = 0;
    do {
      const page = await erin.listSavedViews({ pageSize: 2, pageToken });
      expect(page.views.length).toBeLessThanOrEqual(2);
      seen.push(...page.views);
      pageToken = page.nextPageToken;
      pages++;
    } while (pageToken && pages < 10);
    expect(names(seen)).toEqual(["Alpha", "bravo", "charlie", "delta", "echo"]);
    expect(seen.map((v) => v.editable)).toEqual([true, false, true, true, true]);
    expect(pages).toBe(3);
    expect(names((await finn.listSavedViews({})).views)).toEqual(["bravo", "finn's own"]);
  });
});

describe("Connect JSON on the wire", () => {
  it("takes and renders the view as protobuf JSON", async () => {
    const name = unique("json");
    const created = await app.json("CreateSavedView", { view: { name, shared: true, query: { filter: "status = RUNNING", statuses: ["TASK_STATUS_RUNNING"], page: 2 } } }, { token: tokens.alice, service: SERVICE });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ name, shared: true, owner: users.alice.sub, editable: true, query: { filter: "status = RUNNING", statuses: ["TASK_STATUS_RUNNING"] } });
    expect(created.body.query.page).toBeUndefined();
    expect(created.body.createTime).toMatch(/^\d{4}-\d\d-\d\dT/);
    const asBob = await app.json("GetSavedView", { id: created.body.id }, { token: tokens.bob, service: SERVICE });
    // proto3 JSON leaves out false: Bob's copy has no `editable`.
    expect(asBob.body).toMatchObject({ id: created.body.id, owner: users.alice.sub, shared: true });
    expect(asBob.body.editable).toBeUndefined();
    const bad = await app.json("CreateSavedView", { view: { name: unique("json bad"), query: { filter: "nope ~ 1" } } }, { token: tokens.alice, service: SERVICE });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: "invalid_argument", message: expect.stringMatching(/^view\.query\.filter: /) });
  });
});

describe("serving", () => {
  it("needs viewer: a worker credential is refused", async () => {
    expect((await failure(() => clients.grpc.worker.listSavedViews({}))).code).toBe("PermissionDenied");
  });

  it("reports the service SERVING on grpc.health.v1", async () => {
    const health = app.client(Health);
    expect((await health.check({ service: SERVICE })).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
  });
});
