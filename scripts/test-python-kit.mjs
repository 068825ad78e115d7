#!/usr/bin/env node
// `npm run test:python` (and the first step of `npm test`): the Python worker kit's own tests,
// pytest in .tools/venv (installed by the bootstrap). The contract suite, which runs the kit
// against the real server, is part of the vitest integration tier.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const python = path.join(root, ".tools", "venv", "bin", "python");
if (!existsSync(python)) {
  process.stderr.write("test-python-kit: .tools/venv is missing: run `node scripts/bootstrap.mjs test` first\n");
  process.exit(1);
}
const res = spawnSync(python, ["-m", "pytest", "-q", "-p", "no:cacheprovider", ...process.argv.slice(2)], { cwd: path.join(root, "workers", "python"), stdio: "inherit" });
// pytest's 5 means "no tests collected": a broken collection, not a pass.
process.exit(res.status === 0 ? 0 : (res.status ?? 1));
