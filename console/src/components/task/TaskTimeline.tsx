/**
 * The task's timeline (lib/timeline.ts) as one table, time first: a row group per attempt headed
 * by the attempt (and what began it), automatic retries, abort and the live progress marked.
 */
import { Chip, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Typography, type ChipProps } from "@mui/material";
import type { TimelineGroup, TimelineKind } from "../../lib/timeline";

const MARK: Partial<Record<TimelineKind, { label: string; color: ChipProps["color"] }>> = {
  "auto-retry": { label: "automatic retry", color: "secondary" },
  retry: { label: "retry", color: "primary" },
  abort: { label: "abort", color: "error" },
  progress: { label: "now", color: "primary" },
};

const COLUMNS = ["Time", "Event", "Reason", "Message", "Actor"];

function timeText(d: Date | undefined): string {
  return d ? d.toLocaleString(undefined, { dateStyle: "short", timeStyle: "medium" }) : "—";
}

export function TaskTimeline({ groups }: { groups: TimelineGroup[] }) {
  if (groups.length === 0) return <Typography variant="body2">No events yet.</Typography>;
  return (
    <TableContainer>
      <Table size="small" aria-label="Timeline: status events, attempts, progress and abort, oldest first">
        <TableHead>
          <TableRow>
            {COLUMNS.map((c) => (
              <TableCell key={c}>{c}</TableCell>
            ))}
          </TableRow>
        </TableHead>
        {groups.map((g, i) => (
          <TableBody key={`${g.attempt}-${i}`}>
            <TableRow sx={{ bgcolor: "grey.100" }}>
              <TableCell component="th" scope="rowgroup" colSpan={COLUMNS.length} sx={{ fontWeight: 600 }}>
                Attempt {g.attempt}
                {g.startedBy ? ` · begun by ${g.startedBy}` : ""}
              </TableCell>
            </TableRow>
            {g.entries.map((e) => {
              const mark = MARK[e.kind];
              return (
                <TableRow key={e.key} data-kind={e.kind}>
                  <TableCell sx={{ whiteSpace: "nowrap" }}>{timeText(e.time)}</TableCell>
                  <TableCell>
                    {e.title}
                    {mark ? <Chip size="small" variant="outlined" color={mark.color} label={mark.label} sx={{ ml: 1 }} /> : null}
                  </TableCell>
                  <TableCell sx={{ fontFamily: "monospace" }}>{e.reason || "—"}</TableCell>
                  <TableCell>{e.message || "—"}</TableCell>
                  <TableCell>{e.actor || "—"}</TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        ))}
      </Table>
    </TableContainer>
  );
}
