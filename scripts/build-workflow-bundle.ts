/**
 * Writes the pre-built Temporal workflow bundle (`npm run build` → dist/workflow-bundle.js), so
 * production workers load it with TASKYARD_WORKFLOW_BUNDLE_PATH instead of bundling at start.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { loadWorkflowBundle } from "../src/infra/temporal/worker.js";

const out = path.resolve(process.argv[2] ?? "dist/workflow-bundle.js");
await mkdir(path.dirname(out), { recursive: true });
const { code } = await loadWorkflowBundle(undefined);
await writeFile(out, code);
console.log(`wrote ${out} (${(code.length / 1024).toFixed(0)} KiB)`);
