/**
 * One page of tasks in an MUI table, laid out by @tanstack/react-table: sortable headers (the
 * server sorts: `onSort` gets the next order_by) with aria-sort, and row selection by task id.
 */
import { Table, TableBody, TableCell, TableContainer, TableHead, TableRow, TableSortLabel } from "@mui/material";
import { flexRender, getCoreRowModel, useReactTable, type RowSelectionState } from "@tanstack/react-table";
import type { Task } from "@gen/taskyard/v1/task_pb.js";
import { useMemo } from "react";
import { ariaSort, nextOrder } from "../lib/sort-order";
import { SORT_FIELDS, taskColumns } from "./task-columns";

export interface TaskTableProps {
  tasks: Task[];
  order?: string;
  onSort: (order: string) => void;
  selection: RowSelectionState;
  onSelectionChange: (next: RowSelectionState) => void;
  now: Date;
}

export function TaskTable({ tasks, order, onSort, selection, onSelectionChange, now }: TaskTableProps) {
  const columns = useMemo(() => taskColumns(now), [now]);
  const table = useReactTable({
    data: tasks,
    columns,
    getRowId: (t) => t.id,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    manualPagination: true,
    enableRowSelection: true,
    state: { rowSelection: selection },
    onRowSelectionChange: (up) => onSelectionChange(typeof up === "function" ? up(selection) : up),
  });
  return (
    <TableContainer sx={{ overflowX: "auto" }}>
      <Table size="small" aria-label="Tasks" sx={{ "& th, & td": { px: 1 } }}>
        <TableHead>
          {table.getHeaderGroups().map((g) => (
            <TableRow key={g.id}>
              {g.headers.map((h) => {
                const field = SORT_FIELDS[h.column.id];
                const header = flexRender(h.column.columnDef.header, h.getContext());
                if (!field) return <TableCell key={h.id} scope="col">{header}</TableCell>;
                const sort = ariaSort(order, field);
                return (
                  <TableCell key={h.id} scope="col" aria-sort={sort} sx={{ whiteSpace: "nowrap" }}>
                    <TableSortLabel active={sort !== "none"} direction={sort === "ascending" ? "asc" : "desc"} onClick={() => onSort(nextOrder(order, field))}>
                      {header}
                    </TableSortLabel>
                  </TableCell>
                );
              })}
            </TableRow>
          ))}
        </TableHead>
        <TableBody>
          {table.getRowModel().rows.map((row) => (
            <TableRow key={row.id} hover selected={row.getIsSelected()}>
              {row.getVisibleCells().map((cell) => (
                <TableCell key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</TableCell>
              ))}
            </TableRow>
          ))}
          {tasks.length === 0 ? (
            <TableRow>
              <TableCell colSpan={columns.length}>No tasks match these filters.</TableCell>
            </TableRow>
          ) : null}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
