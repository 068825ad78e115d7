// Small helpers for scripts/bootstrap.mjs (plain Node, no npm dependencies).
import { spawnSync } from "node:child_process";

/** Thrown by a step to stop the bootstrap with exit code 1; `message` is printed as is. */
export class BootstrapError extends Error {}

export function log(line) {
  process.stdout.write(`bootstrap: ${line}\n`);
}

export function fail(lines) {
  return new BootstrapError(Array.isArray(lines) ? lines.join("\n") : lines);
}

export function seconds(ms) {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function isRoot() {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/** Quote a command for display (what the user would type). */
export function showCommand(cmd, args) {
  return [cmd, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");
}

/**
 * Run a command with inherited stdio (the user sees installer output).
 * With ctx.dryRun only print it. Returns true on exit code 0.
 */
export function run(ctx, cmd, args, opts = {}) {
  const shown = showCommand(cmd, args);
  if (ctx.dryRun) {
    log(`  (dry run) would run: ${shown}`);
    return true;
  }
  log(`  running: ${shown}`);
  const r = spawnSync(cmd, args, { stdio: "inherit", ...opts });
  if (r.error) {
    log(`  ${cmd} could not be started: ${r.error.message}`);
    return false;
  }
  if (r.status !== 0) {
    log(`  ${shown} exited with ${r.status ?? r.signal}`);
    return false;
  }
  return true;
}

/** True when `cmd args` can be run and exits 0 (quiet). */
export function succeeds(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: "ignore", timeout: 10_000 });
  return !r.error && r.status === 0;
}
