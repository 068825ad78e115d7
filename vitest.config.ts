import { defineConfig } from "vitest/config";

// Three tiers: unit (pure logic, no services), integration (real MariaDB + Temporal, started
// once by test/global-setup.ts), helm (chart rendering and schema validation).
export default defineConfig({
  test: {
    env: { TZ: "UTC" },
    reporters: ["default", "./test/reporters/summary-line.ts"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          // Tiers run one after the other: unit, helm, integration (which owns the services).
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: "integration",
          sequence: { groupOrder: 2 },
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
          name: "helm",
          sequence: { groupOrder: 1 },
          include: ["test/helm/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
