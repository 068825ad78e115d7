// Step a: node_modules in step with package-lock.json.
//
// Fast path: node_modules/.taskyard-lock-sha256 holds the sha256 of package-lock.json as of the
// last install; equal => nothing to do (one small file read + one hash).
// When the marker is missing or stale we do not blindly `npm ci` (which deletes node_modules):
// if npm's own record of the installed tree (node_modules/.package-lock.json) matches the lock
// entry for entry and every package folder is there, the tree came from `npm ci`/`npm install`
// outside the bootstrap (CI, a teammate) — we adopt it and write the marker. Otherwise `npm ci`.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fail, log, run, seconds } from "./util.mjs";

export const MARKER = ".taskyard-lock-sha256";

function sha256(file) {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

const isInstallPath = (key) => key.startsWith("node_modules/") || key.includes("/node_modules/");

/** Does node_modules hold exactly what package-lock.json describes? Returns a reason when not. */
export function treeMismatch(root) {
  const lock = readJson(path.join(root, "package-lock.json"));
  const hidden = readJson(path.join(root, "node_modules", ".package-lock.json"));
  if (!lock?.packages) return "package-lock.json has no `packages` (lockfileVersion < 2)";
  if (!hidden?.packages) return "node_modules/.package-lock.json missing";
  for (const [key, want] of Object.entries(lock.packages)) {
    if (!isInstallPath(key)) continue;
    const have = hidden.packages[key];
    if (!have) {
      if (want.optional || want.devOptional) continue; // e.g. another platform's binary package
      return `${key} not installed`;
    }
    if (have.version !== want.version || Boolean(have.link) !== Boolean(want.link)) {
      return `${key} is ${have.version}, lock wants ${want.version}`;
    }
  }
  for (const key of Object.keys(hidden.packages)) {
    if (!isInstallPath(key)) continue;
    if (!(key in lock.packages)) return `${key} is not in package-lock.json`;
    if (!hidden.packages[key].link && !existsSync(path.join(root, key, "package.json"))) return `${key} is gone`;
  }
  return undefined;
}

function npmCommand() {
  // Under `npm run …`, npm_execpath is npm's own CLI script: reuse the very same npm.
  const execPath = process.env.npm_execpath;
  if (execPath && /\.(c|m)?js$/.test(execPath) && /npm/.test(path.basename(execPath))) {
    return { cmd: process.execPath, pre: [execPath] };
  }
  return { cmd: process.platform === "win32" ? "npm.cmd" : "npm", pre: [] };
}

export function ensureNpmPackages(ctx) {
  const { root } = ctx;
  const lockFile = path.join(root, "package-lock.json");
  const nodeModules = path.join(root, "node_modules");
  const marker = path.join(nodeModules, MARKER);
  if (!existsSync(lockFile)) {
    throw fail("bootstrap: npm packages … package-lock.json is missing: run `npm install` once and commit the lock file.");
  }
  const sha = sha256(lockFile);
  let why;
  if (!existsSync(nodeModules)) {
    why = "node_modules missing";
  } else if (existsSync(marker) && readFileSync(marker, "utf8").trim() === sha) {
    log("npm packages … ok (package-lock.json unchanged)");
    return;
  } else {
    const mismatch = treeMismatch(root);
    if (!mismatch) {
      if (!ctx.dryRun) writeFileSync(marker, `${sha}\n`);
      log("npm packages … ok (node_modules matches package-lock.json; recorded)");
      return;
    }
    why = existsSync(marker) ? `package-lock.json changed: ${mismatch}` : mismatch;
  }
  log(`npm packages … ${why}: running npm ci`);
  const started = Date.now();
  const { cmd, pre } = npmCommand();
  // Never --omit=optional: @bufbuild/buf ships its binary in optional per-platform packages.
  let how = "npm ci";
  if (!run(ctx, cmd, [...pre, "ci", "--no-audit", "--no-fund"], { cwd: root })) {
    // Typically "package.json and package-lock.json are not in sync" (e.g. a lock written against a
    // registry that lacks other platforms' optional packages). `npm install --no-save` still installs
    // from the lock where it can and never rewrites package-lock.json.
    log("npm packages … `npm ci` failed: retrying with `npm install --no-save` (package-lock.json stays untouched)");
    log("  WARNING: if npm said package.json and package-lock.json are not in sync, fix and commit the lock file: a plain `npm ci` (CI) fails the same way");
    how = "npm install --no-save";
    if (!run(ctx, cmd, [...pre, "install", "--no-save", "--no-audit", "--no-fund"], { cwd: root })) {
      throw fail([
        "bootstrap: npm packages … `npm ci` and `npm install --no-save` failed (see their output above).",
        "  Check that the npm registry is reachable and that package-lock.json is in step with package.json.",
      ]);
    }
  }
  if (ctx.dryRun) return;
  writeFileSync(marker, `${sha}\n`);
  log(`npm packages … installed (${how}, ${seconds(Date.now() - started)})`);
}
