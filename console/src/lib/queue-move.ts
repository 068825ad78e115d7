/**
 * A reorder in the queue page (a drag, or the Move up / Move down buttons) as a MoveTask request.
 * MoveTask moves a task only within its priority band (priority always decides first), so a drop
 * past the band's edge asks for the band's head or tail instead and says so (`clamped`).
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { Position, type MoveTaskRequestSchema } from "@gen/taskyard/v1/queue_service_pb.js";

/** What the mapping needs of a queue entry (QueueEntry has more). */
export interface MovableEntry {
  taskId: string;
  priority: number;
}

export type MoveTaskInit = MessageInitShape<typeof MoveTaskRequestSchema>;

export interface PlannedMove {
  request: MoveTaskInit;
  /** The drop crossed into another priority band: the task goes to its own band's edge. */
  clamped: boolean;
}

/**
 * The MoveTask request that puts `entries[from]` where a drop at index `to` shows it (indices of
 * `entries`, which is in dispatch order); null when nothing moves.
 * - Up: just before the entry now at `to` (POSITION_BEFORE), or the band's head when that entry
 *   has another priority.
 * - Down: just before the entry that will follow it, or the band's tail when it lands last in
 *   its band (POSITION_BACK).
 */
export function planMove(queue: string, entries: readonly MovableEntry[], from: number, to: number): PlannedMove | null {
  const moving = entries[from];
  if (!moving || from === to || to < 0 || to >= entries.length) return null;
  const base = { name: queue, taskId: moving.taskId };
  if (to < from) {
    const anchor = entries[to]!;
    if (anchor.priority === moving.priority) return { request: { ...base, position: Position.BEFORE, beforeTaskId: anchor.taskId }, clamped: false };
    return { request: { ...base, position: Position.FRONT }, clamped: true };
  }
  const clamped = entries[to]!.priority !== moving.priority;
  const next = entries[to + 1];
  if (next && next.priority === moving.priority && !clamped) {
    return { request: { ...base, position: Position.BEFORE, beforeTaskId: next.taskId }, clamped: false };
  }
  return { request: { ...base, position: Position.BACK }, clamped };
}

/** Whether the entry at `index` can move one place up (`-1`) or down (`+1`) within its band. */
export function canStep(entries: readonly MovableEntry[], index: number, step: -1 | 1): boolean {
  const here = entries[index];
  const there = entries[index + step];
  return here !== undefined && there !== undefined && here.priority === there.priority;
}

/** `entries` with the item at `from` moved to `to` (the order shown until the server answers). */
export function arrayMoved<T>(entries: readonly T[], from: number, to: number): T[] {
  const out = [...entries];
  const [item] = out.splice(from, 1);
  if (item !== undefined) out.splice(to, 0, item);
  return out;
}

/** "Move to top": the head of the entry's priority band (POSITION_FRONT), and the index it lands at. */
export function planToTop(queue: string, entries: readonly MovableEntry[], index: number): { request: MoveTaskInit; to: number } | null {
  const moving = entries[index];
  if (!moving) return null;
  let to = index;
  while (to > 0 && entries[to - 1]!.priority === moving.priority) to--;
  return to === index ? null : { request: { name: queue, taskId: moving.taskId, position: Position.FRONT }, to };
}
