/**
 * Fair sharing inside a queue: a fairness key names a task field (`project`, `type`,
 * `created_by`) or a label (`labels.<key>`); within one priority band the key's values take
 * turns (round-robin), each value's tasks in queue position order. So a flood of tasks from one
 * project delays another project's next task by at most one task per other value, not by the
 * whole flood. Pure; the repository and the dispatcher apply it.
 */
import { LABEL_KEY } from "../tasks/filter/fields.js";

export type FairnessKey =
  | { kind: "none" }
  | { kind: "field"; column: "project" | "type" | "created_by" }
  | { kind: "label"; label: string };

const FIELDS = ["project", "type", "created_by"] as const;

/** Parses a fairness key, or undefined when it is not one. */
export function parseFairnessKey(key: string): FairnessKey | undefined {
  if (key === "") return { kind: "none" };
  if ((FIELDS as readonly string[]).includes(key)) return { kind: "field", column: key as (typeof FIELDS)[number] };
  if (key.startsWith("labels.") && LABEL_KEY.test(key.slice("labels.".length))) return { kind: "label", label: key.slice("labels.".length) };
  return undefined;
}

/** Per priority band (as a decimal string), the fairness value served last in that band. */
export type FairCursors = Readonly<Record<string, string>>;

/** Cursors as stored (a JSON column: an object, its text from a raw read, or NULL). */
export function readCursors(value: unknown): FairCursors {
  const parsed: unknown = typeof value === "string" ? JSON.parse(value) : value;
  return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as FairCursors) : {};
}

export const FAIRNESS_KEY_HELP = `one of ${FIELDS.join(", ")} or labels.<key> (key: [A-Za-z0-9_.-]{1,63}), or empty for none`;

/**
 * Round-robin over values already in rotation order (those after the cursor first): round r
 * takes the r-th task of every value, in that order, until `limit` tasks are taken.
 */
export function interleave<T>(rotation: readonly string[], byValue: ReadonlyMap<string, readonly T[]>, limit: number): T[] {
  const out: T[] = [];
  for (let round = 0; out.length < limit; round++) {
    let took = false;
    for (const value of rotation) {
      const item = byValue.get(value)?.[round];
      if (item === undefined) continue;
      out.push(item);
      took = true;
      if (out.length >= limit) break;
    }
    if (!took) break;
  }
  return out;
}
