import { Table, TableBody, TableCell, TableContainer, TableHead, TableRow } from "@mui/material";
import { projectLabel, type FairnessRow } from "../../lib/queue-stats";

/** Per project: the slots its tasks hold (and their share) and how many of its tasks wait. */
export function FairnessTable({ rows, queue }: { rows: readonly FairnessRow[]; queue: string }) {
  return (
    <TableContainer>
      <Table size="small" aria-label={`Projects of queue ${queue}: slots held and tasks waiting`}>
        <TableHead>
          <TableRow>
            <TableCell>Project</TableCell>
            <TableCell align="right">Running (slots held)</TableCell>
            <TableCell align="right">Share of slots</TableCell>
            <TableCell align="right">Queued (waiting)</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((r) => (
            <TableRow key={r.project}>
              <TableCell component="th" scope="row">
                {projectLabel(r.project)}
              </TableCell>
              <TableCell align="right">{r.running}</TableCell>
              <TableCell align="right">{r.slotShare} %</TableCell>
              <TableCell align="right">{r.queued}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
