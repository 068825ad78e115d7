/**
 * A compact local time for table cells: `01:43:50` today, `Dec 2, 01:43:50` on other days; the
 * full date and time go in the cell's title.
 */
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { formatTime, toDate } from "./format";

const TIME = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
const DAY_TIME = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });

export function shortTime(t: Timestamp | undefined, now = new Date()): { text: string; title: string } {
  const d = toDate(t);
  if (!d) return { text: "—", title: "" };
  return { text: (d.toDateString() === now.toDateString() ? TIME : DAY_TIME).format(d), title: formatTime(t) };
}
