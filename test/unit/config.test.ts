import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

describe("loadConfig", () => {
  it("gives sane defaults for an empty environment", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ host: undefined, port: 8080, logLevel: "info", databaseUrl: undefined, migrateOnStart: false });
    expect(c.temporal).toMatchObject({ address: undefined, namespace: "default", tls: false });
    expect(c.worker.queues).toEqual(["default"]);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it("parses lists, booleans and numbers", () => {
    const c = loadConfig({
      TASKYARD_PORT: "9090",
      TASKYARD_CORS_ORIGINS: "https://a.example, https://b.example",
      TASKYARD_WORKER_QUEUES: "video,audio",
      TASKYARD_MIGRATE_ON_START: "true",
      DATABASE_URL: "mysql://u:p@db:3306/taskyard",
    });
    expect(c.port).toBe(9090);
    expect(c.corsOrigins).toEqual(["https://a.example", "https://b.example"]);
    expect(c.worker.queues).toEqual(["video", "audio"]);
    expect(c.migrateOnStart).toBe(true);
  });

  it("implies TLS for Temporal when an API key is set", () => {
    expect(loadConfig({ TEMPORAL_API_KEY: "k" }).temporal.tls).toBe(true);
  });

  it("reports every invalid variable at once, by name", () => {
    let error: unknown;
    try {
      loadConfig({ TASKYARD_PORT: "eighty", LOG_LEVEL: "loud", DATABASE_URL: "postgres://x", TASKYARD_MIGRATE_ON_START: "maybe" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ["TASKYARD_PORT", "LOG_LEVEL", "DATABASE_URL", "TASKYARD_MIGRATE_ON_START"]) expect(message).toContain(name);
    expect((error as ConfigError).problems).toHaveLength(4);
  });

  it("requires the client certificate and key together", () => {
    expect(() => loadConfig({ TEMPORAL_TLS_CLIENT_CERT_PATH: "/c.pem" })).toThrow(/TEMPORAL_TLS_CLIENT_KEY_PATH/);
  });
});
