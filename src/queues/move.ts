/**
 * MoveTask's placement rule: where in its priority band a queued task goes. Moves stay inside
 * the band (priority decides first; UpdateTask changes priority); FORWARD / BACKWARD count
 * entries of the band, clamped at its ends. In a queue with a fairness key the band's fairness
 * values still take turns: a move reorders the task among the band, which decides its turn
 * within its own value.
 */
import { FailedPreconditionError } from "../domain/errors.js";
import type { BandEntry, OrderRepository } from "./order-repository.js";
import { between, nextPosition, POSITION_GAP } from "./positions.js";

export type MoveTarget =
  | { kind: "front" }
  | { kind: "back" }
  | { kind: "forward"; count: number }
  | { kind: "backward"; count: number }
  | { kind: "before"; anchor: BandEntry & { priority: number } };

export interface MovingEntry extends BandEntry {
  tenant: string;
  queue: string;
  priority: number;
}

/**
 * The new position: a number, `null` when the task already is where it should go, or
 * `undefined` when the neighbours are too close for a double in between (renumber, then ask again).
 */
export async function targetPosition(order: OrderRepository, entry: MovingEntry, target: MoveTarget): Promise<number | null | undefined> {
  const { tenant, queue, priority } = entry;
  switch (target.kind) {
    case "front": {
      const head = await order.bandEnd(tenant, queue, priority, "head", entry.taskId);
      if (!head || precedes(entry, head)) return null;
      return head.position - POSITION_GAP;
    }
    case "back": {
      const tail = await order.bandEnd(tenant, queue, priority, "tail", entry.taskId);
      if (!tail || precedes(tail, entry)) return null;
      // No later than a new enqueue's position would be, so later enqueues still come after it.
      return Math.max(nextPosition(), tail.position + POSITION_GAP);
    }
    case "forward": {
      const ahead = await order.neighbours(tenant, queue, priority, entry, "before", entry.taskId, target.count - 1, 2);
      if (ahead.length < 2) return targetPosition(order, entry, { kind: "front" });
      return between(ahead[1]!.position, ahead[0]!.position);
    }
    case "backward": {
      const behind = await order.neighbours(tenant, queue, priority, entry, "after", entry.taskId, target.count - 1, 2);
      if (behind.length < 2) return targetPosition(order, entry, { kind: "back" });
      return between(behind[0]!.position, behind[1]!.position);
    }
    case "before": {
      const { anchor } = target;
      if (anchor.priority !== priority) {
        throw new FailedPreconditionError(
          `before_task_id: task ${anchor.taskId} has priority ${anchor.priority} and task ${entry.taskId} ${priority}; moves stay within a priority band (change the priority with UpdateTask)`,
        );
      }
      const [previous] = await order.neighbours(tenant, queue, priority, anchor, "before", entry.taskId, 0, 1);
      if (!previous) return anchor.position - POSITION_GAP;
      return between(previous.position, anchor.position);
    }
  }
}

/** Band order: position, then task id. */
function precedes(a: BandEntry, b: BandEntry): boolean {
  return a.position < b.position || (a.position === b.position && a.taskId < b.taskId);
}
