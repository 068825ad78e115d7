import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { devConsoleUrl } from "../../src/commands/dev.js";

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

  it("has no console URL unless TASKYARD_CONSOLE_URL names one (http or https, trailing slash dropped)", () => {
    expect(loadConfig({}).consoleUrl).toBeUndefined();
    expect(loadConfig({ TASKYARD_CONSOLE_URL: "https://taskyard.example.com/console/" }).consoleUrl).toBe("https://taskyard.example.com/console");
    expect(() => loadConfig({ TASKYARD_CONSOLE_URL: "taskyard.example.com/console" })).toThrow(/TASKYARD_CONSOLE_URL/);
    expect(() => loadConfig({ TASKYARD_CONSOLE_URL: "ftp://taskyard.example.com/console" })).toThrow(/TASKYARD_CONSOLE_URL/);
  });

  it("derives `dev`'s console URL from its listen address and port", () => {
    expect(devConsoleUrl("127.0.0.1", 8080)).toBe("http://localhost:8080/console");
    expect(devConsoleUrl("0.0.0.0", 9090)).toBe("http://localhost:9090/console");
    expect(devConsoleUrl("192.168.1.5", 8080)).toBe("http://192.168.1.5:8080/console");
    expect(devConsoleUrl("fd00::5", 8080)).toBe("http://[fd00::5]:8080/console");
    // A random port is not known before the server listens: no link rather than a wrong one.
    expect(devConsoleUrl("127.0.0.1", 0)).toBeUndefined();
  });

  it("requires the client certificate and key together", () => {
    expect(() => loadConfig({ TEMPORAL_TLS_CLIENT_CERT_PATH: "/c.pem" })).toThrow(/TEMPORAL_TLS_CLIENT_KEY_PATH/);
  });
});
