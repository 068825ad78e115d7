/** What a screen reader hears while a queue entry is dragged (dnd-kit's live region), by task name and position. */
import type { Announcements, ScreenReaderInstructions } from "@dnd-kit/core";

type Id = string | number;

export const SCREEN_READER_INSTRUCTIONS: ScreenReaderInstructions = {
  draggable:
    "To reorder, press Space or Enter to pick the task up, the arrow keys to move it, Space or Enter again to drop it, Escape to cancel. The Move up and Move down buttons do the same one place at a time.",
};

export function entryAnnouncements(nameOf: (id: Id) => string, ids: readonly string[]): Announcements {
  const place = (id: Id | undefined) => (id === undefined ? "" : `position ${ids.indexOf(String(id)) + 1} of ${ids.length}`);
  return {
    onDragStart: ({ active }) => `Picked up ${nameOf(active.id)} at ${place(active.id)}.`,
    onDragOver: ({ active, over }) => (over ? `${nameOf(active.id)} is over ${place(over.id)}.` : `${nameOf(active.id)} is no longer over the list.`),
    onDragEnd: ({ active, over }) => (over ? `Dropped ${nameOf(active.id)} at ${place(over.id)}.` : `Dropped ${nameOf(active.id)}; it stays where it was.`),
    onDragCancel: ({ active }) => `Cancelled; ${nameOf(active.id)} stays at ${place(active.id)}.`,
  };
}
