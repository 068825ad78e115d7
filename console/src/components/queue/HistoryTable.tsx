import { Table, TableBody, TableCell, TableContainer, TableHead, TableRow } from "@mui/material";
import { formatMinute, type HistorySeries } from "../../lib/queue-stats";

/** The history charts' data, minute by minute (minutes with nothing in them left out). */
export function HistoryTable({ series }: { series: HistorySeries }) {
  const minutes = series.times.map((_, i) => i).filter((i) => series.started[i]! > 0 || series.finished[i]! > 0);
  if (minutes.length === 0) return <p>Nothing started or finished in the last hour.</p>;
  return (
    <TableContainer>
      <Table size="small" aria-label="Queue history per minute">
        <TableHead>
          <TableRow>
            <TableCell>Minute</TableCell>
            <TableCell align="right">Started</TableCell>
            <TableCell align="right">Finished</TableCell>
            <TableCell align="right">Average wait (s)</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {minutes.map((i) => (
            <TableRow key={i}>
              <TableCell component="th" scope="row">
                {formatMinute(series.times[i]!)}
              </TableCell>
              <TableCell align="right">{series.started[i]}</TableCell>
              <TableCell align="right">{series.finished[i]}</TableCell>
              <TableCell align="right">{series.waitSeconds[i] ?? "—"}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
