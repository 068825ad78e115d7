/**
 * `<input type="datetime-local">` speaks local wall time without a zone (`2026-11-01T09:30`);
 * the URL keeps ISO instants. These convert between the two in the browser's time zone.
 */

/** The input's value for an ISO instant ("" when absent or unreadable). */
export function isoToLocalInput(iso: string | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const local = new Date(d.getTime() - d.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** The ISO instant of an input's value (undefined when empty or incomplete). */
export function localInputToIso(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return undefined;
  const d = new Date(value); // no zone: local time, as the input means it
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
