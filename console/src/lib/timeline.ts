/**
 * A task's timeline: its status events (ListTaskEvents, all pages), grouped by attempt (a
 * RetryTask starts attempt + 1), with automatic retries and abort marked, and — while the task
 * runs — its current progress as the latest entry. Pure, so the page only renders it.
 */
import type { Task, TaskEvent } from "@gen/taskyard/v1/task_pb.js";
import { TaskStatus } from "@gen/taskyard/v1/task_pb.js";
import { statusName, toDate } from "./format";

export type TimelineKind =
  /** The first event (from UNSPECIFIED). */
  | "created"
  | "status"
  /** Temporal tried the execution again (RUNNING → RUNNING, reason AUTO_RETRY). */
  | "auto-retry"
  /** A RetryTask: the first event of a new attempt. */
  | "retry"
  /** To CANCELLING or CANCELLED. */
  | "abort"
  /** The handler's last progress while the task runs. */
  | "progress";

export interface TimelineEntry {
  /** Unique within the timeline (React key). */
  key: string;
  kind: TimelineKind;
  time?: Date;
  /** `QUEUED → RUNNING`, `Created as QUEUED`, `Progress 4/10 (40 %)`. */
  title: string;
  reason: string;
  message: string;
  actor: string;
  attempt: number;
}

export interface TimelineGroup {
  attempt: number;
  /** Reason of the event that began this attempt (e.g. USER_RETRY); empty for the first. */
  startedBy: string;
  entries: TimelineEntry[];
}

const LIVE: ReadonlySet<TaskStatus> = new Set([TaskStatus.RUNNING, TaskStatus.CANCELLING]);

function kindOf(e: TaskEvent, first: boolean, attemptChanged: boolean): TimelineKind {
  if (first && e.fromStatus === TaskStatus.UNSPECIFIED) return "created";
  if (e.toStatus === TaskStatus.CANCELLING || e.toStatus === TaskStatus.CANCELLED) return "abort";
  if (e.reason === "AUTO_RETRY") return "auto-retry";
  if (attemptChanged || e.reason === "USER_RETRY") return "retry";
  return "status";
}

function titleOf(e: TaskEvent, kind: TimelineKind): string {
  const to = statusName(e.toStatus);
  if (kind === "created") return `Created as ${to}`;
  if (kind === "auto-retry") return `Automatic retry (${to})`;
  return `${statusName(e.fromStatus)} → ${to}`;
}

/** `Progress 4/10 (40 %)`, or `Progress 4` when the total is unknown. */
export function progressTitle(task: Task): string {
  const p = task.progress!;
  const current = Number(p.current);
  const total = Number(p.total);
  if (total <= 0) return `Progress ${current}`;
  return `Progress ${current}/${total} (${Math.floor(Math.min(100, (100 * current) / total))} %)`;
}

/**
 * The timeline of `task` from `events` (any order, duplicates allowed: they are sorted and
 * deduplicated by sequence). An event whose attempt differs from the one before begins a group.
 */
export function buildTimeline(events: readonly TaskEvent[], task?: Task): TimelineGroup[] {
  const bySequence = new Map<bigint, TaskEvent>();
  for (const e of events) bySequence.set(e.sequence, e);
  const sorted = [...bySequence.values()].sort((a, b) => (a.sequence < b.sequence ? -1 : a.sequence > b.sequence ? 1 : 0));

  const groups: TimelineGroup[] = [];
  sorted.forEach((e, i) => {
    let group = groups.at(-1);
    const attemptChanged = group !== undefined && group.attempt !== e.attempt;
    if (!group || attemptChanged) {
      group = { attempt: e.attempt, startedBy: group ? e.reason : "", entries: [] };
      groups.push(group);
    }
    const kind = kindOf(e, i === 0, attemptChanged);
    group.entries.push({
      key: `event-${e.sequence}`,
      kind,
      time: toDate(e.time),
      title: titleOf(e, kind),
      reason: e.reason,
      message: e.message,
      actor: e.actor,
      attempt: e.attempt,
    });
  });

  const p = task?.progress;
  if (task && p && LIVE.has(task.status) && (p.current > 0n || p.total > 0n || p.message)) {
    const entry: TimelineEntry = {
      key: "progress",
      kind: "progress",
      time: toDate(task.lastHeartbeatTime) ?? toDate(task.updateTime),
      title: progressTitle(task),
      reason: "",
      message: p.message,
      actor: "handler",
      attempt: task.attempt,
    };
    const last = groups.at(-1);
    if (last && last.attempt === task.attempt) last.entries.push(entry);
    else groups.push({ attempt: task.attempt, startedBy: "", entries: [entry] });
  }
  return groups;
}
