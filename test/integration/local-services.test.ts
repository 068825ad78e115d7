import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Connection } from "@temporalio/client";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findMariaDbBinaries, findTemporalCli } from "../../src/infra/local/binaries.js";
import { freePort } from "../../src/infra/local/free-port.js";
import { startLocalMariaDb, type LocalMariaDb } from "../../src/infra/local/mariadb.js";
import { startTemporalDevServer, type TemporalDevServer } from "../../src/infra/local/temporal-dev-server.js";

const logger = { info: (msg: string) => console.log(msg) };

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

describe("local MariaDB", () => {
  let tmp: string;
  let db: LocalMariaDb | undefined;

  beforeAll(async () => {
    expect(findMariaDbBinaries(), "run `node scripts/bootstrap.mjs test` first").toBeDefined();
    tmp = await mkdtemp(path.join(os.tmpdir(), "taskyard-mariadb-"));
  });
  afterAll(async () => {
    await db?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  it("starts on a free port, runs queries in UTC, stops and closes the port", async () => {
    const dataDir = path.join(tmp, "data");
    db = await startLocalMariaDb({ dataDir, database: "taskyard_test", logger });
    expect(db.url).toBe(`mysql://root@127.0.0.1:${db.port}/taskyard_test`);

    const conn = await mysql.createConnection({ uri: db.url });
    try {
      const [rows] = await conn.query<mysql.RowDataPacket[]>(
        "SELECT @@version AS version, @@time_zone AS tz, @@character_set_server AS cs, DATABASE() AS db",
      );
      expect(rows[0]).toMatchObject({ tz: "+00:00", cs: "utf8mb4", db: "taskyard_test" });
      expect(String(rows[0]?.["version"])).toMatch(/MariaDB/);
      await conn.query("CREATE TABLE t (id INT PRIMARY KEY, at DATETIME(3))");
      await conn.query("INSERT INTO t VALUES (1, '2024-01-02 03:04:05.678')");
      const [back] = await conn.query<mysql.RowDataPacket[]>("SELECT id FROM t");
      expect(back).toEqual([{ id: 1 }]);
    } finally {
      await conn.end();
    }

    const port = db.port;
    await db.stop();
    db = undefined;
    expect(await isListening(port)).toBe(false);

    // Warm start on the same datadir: data survives, a fixed port is honoured.
    const fixedPort = await freePort();
    db = await startLocalMariaDb({ dataDir, port: fixedPort, database: "taskyard_test", logger });
    expect(db.port).toBe(fixedPort);
    const again = await mysql.createConnection({ uri: db.url });
    try {
      const [rows] = await again.query<mysql.RowDataPacket[]>("SELECT COUNT(*) AS n FROM t");
      expect(Number(rows[0]?.["n"])).toBe(1);
    } finally {
      await again.end();
    }
    await db.stop();
    db = undefined;
    expect(await isListening(fixedPort)).toBe(false);
  }, 120_000);
});

describe("local Temporal dev server", () => {
  let server: TemporalDevServer | undefined;

  afterAll(async () => {
    await server?.stop();
  });

  it("starts with a namespace and search attributes, stops and closes the port", async () => {
    const binary = findTemporalCli();
    expect(binary, "run `node scripts/bootstrap.mjs test` first").toBeDefined();
    server = await startTemporalDevServer({
      binary: binary!,
      headless: true,
      namespace: "taskyard-test",
      searchAttributes: { TaskyardQueue: "Keyword", TaskyardProgress: "Int" },
      logger,
    });
    expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);

    const connection = await Connection.connect({ address: server.address });
    try {
      const ns = await connection.workflowService.describeNamespace({ namespace: "taskyard-test" });
      expect(ns.namespaceInfo?.name).toBe("taskyard-test");
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: "taskyard-test" });
      expect(customAttributes).toMatchObject({ TaskyardQueue: expect.anything(), TaskyardProgress: expect.anything() });
    } finally {
      await connection.close();
    }

    const port = Number(server.address.split(":")[1]);
    await server.stop();
    server = undefined;
    expect(await isListening(port)).toBe(false);
  }, 120_000);

  it("serves the web UI when not headless", async () => {
    server = await startTemporalDevServer({ binary: findTemporalCli()!, logger });
    expect(server.uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const uiPort = Number(new URL(server.uiUrl!).port);
    expect(await isListening(uiPort)).toBe(true);
    await server.stop();
    server = undefined;
    expect(await isListening(uiPort)).toBe(false);
  }, 120_000);
});
