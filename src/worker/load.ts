/**
 * Handler modules for `taskyard worker --handlers`: each module's exports that are handlers
 * (made with defineHandler) — named exports, or arrays of them, including `default`.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { isTaskHandler, type TaskHandler } from "./handler.js";

export async function loadHandlerModules(specifiers: readonly string[]): Promise<TaskHandler[]> {
  const handlers: TaskHandler[] = [];
  for (const spec of specifiers) {
    // A path (./dist/handlers.js, /abs/x.js) is resolved from the working directory; anything else is a package name.
    const url = spec.startsWith(".") || path.isAbsolute(spec) ? pathToFileURL(path.resolve(spec)).href : spec;
    let mod: Record<string, unknown>;
    try {
      mod = (await import(url)) as Record<string, unknown>;
    } catch (err) {
      throw new Error(`cannot load handler module "${spec}": ${(err as Error).message}`);
    }
    const found = Object.values(mod).flatMap((v) => (Array.isArray(v) ? v : [v])).filter(isTaskHandler);
    if (found.length === 0) throw new Error(`handler module "${spec}" exports no handlers (declare them with defineHandler from "taskyard/worker")`);
    handlers.push(...found);
  }
  const seen = new Set<string>();
  for (const h of handlers) {
    if (seen.has(h.type)) throw new Error(`two handlers for task type "${h.type}"`);
    seen.add(h.type);
  }
  return handlers;
}
