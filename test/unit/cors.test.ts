import { describe, expect, it } from "vitest";
import { createOriginMatcher, devCorsOrigins, LOOPBACK_ORIGINS } from "../../src/rpc/cors.js";

describe("CORS origins", () => {
  it("matches exact origins, any origin, and any port of a host", () => {
    const allowed = createOriginMatcher(["https://app.example.com", ...LOOPBACK_ORIGINS]);
    expect(allowed("https://app.example.com")).toBe(true);
    expect(allowed("https://app.example.com:8443")).toBe(false);
    expect(allowed("http://localhost:5173")).toBe(true);
    expect(allowed("http://127.0.0.1:3000")).toBe(true);
    expect(allowed("http://[::1]:5173")).toBe(true);
    expect(allowed("http://localhost")).toBe(true);
    expect(allowed("https://localhost:5173")).toBe(false);
    expect(allowed("http://localhost.evil.example:5173")).toBe(false);
    expect(allowed("http://evil.example")).toBe(false);
    expect(createOriginMatcher(["*"])("http://evil.example")).toBe(true);
    expect(createOriginMatcher([])("http://localhost:5173")).toBe(false);
  });

  it("dev allows loopback only while authentication is off and nothing is configured", () => {
    expect(devCorsOrigins([], "off")).toEqual(LOOPBACK_ORIGINS);
    expect(devCorsOrigins([], "on")).toEqual([]);
    expect(devCorsOrigins(["https://a.example"], "off")).toEqual(["https://a.example"]);
  });
});
