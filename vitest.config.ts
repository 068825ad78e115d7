import { defineConfig } from "vitest/config";

// Tiers: unit (pure logic, no services; with the console's component tests in jsdom), helm
// (chart rendering and schema validation), kubernetes (the chart installed into a real API
// server), integration (real MariaDB + Temporal, started once by
// test/global-setup.ts), browser (the console in Chromium against a real server, same services).
export default defineConfig({
  test: {
    env: { TZ: "UTC" },
    reporters: ["default", "./test/reporters/summary-line.ts"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          // Tiers run one after the other: unit, helm, kubernetes, integration (which owns the services).
          sequence: { groupOrder: 0 },
        },
      },
      {
        // The console's component and logic tests (Vitest + Testing Library in jsdom), with the
        // console's own Vite config (React, the @gen alias).
        extends: "./console/vite.config.ts",
        test: {
          name: "console",
          root: "./console",
          include: ["src/**/*.test.{ts,tsx}"],
          environment: "jsdom",
          setupFiles: ["./src/test-setup.ts"],
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: "integration",
          sequence: { groupOrder: 3 },
          include: ["test/integration/**/*.test.ts"],
          globalSetup: ["test/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Files share one database and one Temporal server; two at a time suits 2 cores.
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: "browser",
          sequence: { groupOrder: 4 },
          include: ["test/browser/**/*.test.ts"],
          globalSetup: ["test/global-setup.ts"],
          testTimeout: 90_000,
          hookTimeout: 120_000,
          // One Chromium and one server at a time on 2 cores.
          maxWorkers: 1,
        },
      },
      {
        test: {
          name: "helm",
          sequence: { groupOrder: 1 },
          include: ["test/helm/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
      {
        // The chart in a real API server (etcd, kube-apiserver, controller manager, scheduler;
        // pods simulated by kwok), after helm; needs no MariaDB or Temporal.
        test: {
          name: "kubernetes",
          sequence: { groupOrder: 2 },
          include: ["test/kubernetes/**/*.test.ts"],
          testTimeout: 240_000,
          hookTimeout: 180_000,
          maxWorkers: 1,
        },
      },
    ],
  },
});
