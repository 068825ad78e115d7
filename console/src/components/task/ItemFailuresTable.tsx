/** The items a partially successful task failed (at most 100 kept by the server). */
import { Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Typography } from "@mui/material";
import type { Task } from "@gen/taskyard/v1/task_pb.js";

export function ItemFailuresTable({ task }: { task: Task }) {
  const shown = task.itemFailures.length;
  const more = Number(task.itemsFailed) > shown;
  return (
    <>
      <Typography variant="body2" sx={{ mb: 1 }}>
        {String(task.itemsSucceeded)} items succeeded, {String(task.itemsFailed)} failed{more ? ` (the first ${shown} are kept)` : ""}.
      </Typography>
      <TableContainer sx={{ maxHeight: 400 }}>
        <Table size="small" stickyHeader aria-label="Failed items">
          <TableHead>
            <TableRow>
              <TableCell>Item</TableCell>
              <TableCell>Code</TableCell>
              <TableCell>Message</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {task.itemFailures.map((f, i) => (
              <TableRow key={`${f.item}-${i}`}>
                <TableCell component="th" scope="row" sx={{ fontFamily: "monospace" }}>
                  {f.item}
                </TableCell>
                <TableCell>{f.code}</TableCell>
                <TableCell>{f.message}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableContainer>
    </>
  );
}
