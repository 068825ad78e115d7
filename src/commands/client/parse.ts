/**
 * Argument parsers for commander options: a bad value is a usage error (exit 2) naming the flag.
 */
import { InvalidArgumentError } from "commander";
import { TaskStatus } from "../../gen/taskyard/v1/task_pb.js";

/** `k=v` pairs of a repeatable option, collected into an object (a later key wins). */
export function keyValue<V>(parseValue: (raw: string) => V) {
  return (raw: string, previous: Record<string, V> = {}): Record<string, V> => {
    const eq = raw.indexOf("=");
    if (eq <= 0) throw new InvalidArgumentError(`expected key=value, got "${raw}"`);
    return { ...previous, [raw.slice(0, eq)]: parseValue(raw.slice(eq + 1)) };
  };
}

/** A param value: JSON when it parses (`steps=20`, `ok=true`, `ids=[1,2]`), else the text itself. */
export function paramValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** Values of a repeatable option, also comma-separated: `--tag a --tag b,c`. */
export function list(raw: string, previous: string[] = []): string[] {
  return [...previous, ...raw.split(",").map((s) => s.trim()).filter(Boolean)];
}

export function integer(min: number, max: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected an integer in [${min}, ${max}], got "${raw}"`);
    return n;
  };
}

/** Seconds (`90`, `1.5`) or with a unit (`500ms`, `30s`, `2m`, `1h`), as milliseconds. */
export function durationMs(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim());
  if (!m) throw new InvalidArgumentError(`expected a duration such as 30s, 2m or 500ms, got "${raw}"`);
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? "s") as "ms" | "s" | "m" | "h"];
  return Math.round(Number(m[1]) * factor);
}

const STATUS_NAMES = Object.keys(TaskStatus).filter((k) => Number.isNaN(Number(k)) && k !== "UNSPECIFIED");

/** Statuses by name, any case, with or without the `TASK_STATUS_` prefix; repeatable and comma-separated. */
export function statuses(raw: string, previous: TaskStatus[] = []): TaskStatus[] {
  return [
    ...previous,
    ...list(raw).map((name) => {
      const key = name.toUpperCase().replace(/^TASK_STATUS_/, "");
      if (!STATUS_NAMES.includes(key)) throw new InvalidArgumentError(`unknown status "${name}"; one of ${STATUS_NAMES.join(", ")}`);
      return TaskStatus[key as keyof typeof TaskStatus];
    }),
  ];
}

export const STATUS_CHOICES = STATUS_NAMES;
