/**
 * How `tasks watch` shows its tasks: one live bar per task on a terminal (cli-progress MultiBar),
 * one plain line per change when stdout is not a terminal (logs, CI, pipes), or NDJSON snapshots
 * with --json.
 */
import cliProgress from "cli-progress";
import { TaskSchema, TaskStatus, type Task } from "../../gen/taskyard/v1/task_pb.js";
import { statusName } from "../../client/status.js";
import { json, progressText } from "./output.js";

export interface WatchView {
  update(task: Task): void;
  /** Ends the view (the bars stay on screen as they were last drawn). */
  stop(): void;
}

type Out = (text: string) => void;

/** The bar's value and total: the handler's `current/total`, or its percent when it gave no total. */
function barValues(t: Task): { value: number; total: number } {
  const p = t.progress;
  // A completed task is done whatever its last report said.
  if (t.status === TaskStatus.COMPLETED) {
    const total = p && p.total > 0n ? Number(p.total) : 100;
    return { value: total, total };
  }
  if (p && p.total > 0n) return { value: Number(p.current), total: Number(p.total) };
  return { value: Math.round(p?.percent ?? 0), total: 100 };
}

/** The task's name (padded to the longest so far) and the end of its id: UUIDv7s of tasks created together share their first digits. */
const label = (t: Pick<Task, "id" | "name">, width: number) => (width > 0 ? `${t.name.slice(0, 24).padEnd(width)} ${t.id.slice(-8)}` : t.id.slice(-8));

export function barsView(ids: readonly string[], stream: NodeJS.WriteStream): WatchView {
  const multibar = new cliProgress.MultiBar(
    {
      format: "{label} {bar} {percentage}% {count} {status} {message}",
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      autopadding: true,
      stream,
    },
    cliProgress.Presets.shades_classic,
  );
  let width = 0;
  const bars = new Map(ids.map((id) => [id, multibar.create(1, 0, { label: label({ id, name: "" }, 0), count: "", status: "…", message: "" })]));
  return {
    update(t) {
      width = Math.max(width, Math.min(24, t.name.length));
      const bar = bars.get(t.id);
      if (!bar) return;
      const { value, total } = barValues(t);
      bar.setTotal(total);
      bar.update(value, {
        label: label(t, width),
        count: t.progress && t.progress.total > 0n ? `${barValues(t).value}/${total}` : "",
        status: statusName(t.status),
        message: t.status === TaskStatus.FAILED && t.error ? `${t.error.code}: ${t.error.message}` : (t.progress?.message ?? t.statusMessage),
      });
    },
    stop: () => multibar.stop(),
  };
}

export function linesView(out: Out): WatchView {
  const last = new Map<string, string>();
  return {
    update(t) {
      const line = [t.id, statusName(t.status), progressText(t.progress), t.status === TaskStatus.FAILED && t.error ? `${t.error.code}: ${t.error.message}` : (t.progress?.message ?? "")]
        .filter(Boolean)
        .join("  ");
      if (last.get(t.id) === line) return;
      last.set(t.id, line);
      out(`${line}\n`);
    },
    stop: () => undefined,
  };
}

export function jsonView(out: Out): WatchView {
  return { update: (t) => out(json(TaskSchema, t, true)), stop: () => undefined };
}
