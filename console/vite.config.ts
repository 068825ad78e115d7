// The web console: React + Vite, built into dist/console and served by `taskyard serve` at /console.
import path from "node:path";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: "/console/",
  plugins: [react()],
  resolve: {
    // The API's generated protobuf-es code, the same the server uses.
    alias: { "@gen": path.join(here, "../src/gen") },
  },
  build: {
    outDir: path.join(here, "../dist/console"),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2_000,
  },
  server: {
    // `vite` on :5173 against `npm run dev` on :8080 (dev allows loopback origins).
    port: 5173,
  },
});
