// Step g: the web console (console/, React + Vite) built into dist/console, which `taskyard
// serve` / `dev` serve at /console. Rebuilt only when a file under console/ or src/gen (the
// protos' generated code it imports) is newer than the build, or the build is missing.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fail, log, run, seconds } from "./util.mjs";

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules") continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export function ensureConsoleBuild(ctx) {
  const { root } = ctx;
  const built = path.join(root, "dist", "console", "index.html");
  const sources = Math.max(newestMtime(path.join(root, "console")), newestMtime(path.join(root, "src", "gen")));
  if (existsSync(built) && statSync(built).mtimeMs >= sources) {
    log("web console … ok (dist/console)");
    return;
  }
  const started = Date.now();
  const vite = path.join(root, "node_modules", ".bin", "vite");
  if (!run(ctx, vite, ["build", "--config", "console/vite.config.ts", "--logLevel", "warn"], { cwd: root })) {
    throw fail("bootstrap: web console … FAILED: `npx vite build --config console/vite.config.ts` did not build dist/console (see its output above).");
  }
  log(`web console … built (dist/console, ${seconds(Date.now() - started)})`);
}
