/** Keyset paging: Previous / Next page by cursor, the page size, and how many tasks match. */
import { Box, Button, FormControl, InputLabel, MenuItem, Select, Typography } from "@mui/material";
import { useId } from "react";

export const PAGE_SIZES = [10, 25, 50, 100, 200];

export function TaskPager(props: {
  total?: number;
  size: number;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  onSize: (size: number) => void;
}) {
  const { total, size, hasPrevious, hasNext, onPrevious, onNext, onSize } = props;
  const labelId = useId();
  const sizes = [...new Set([...PAGE_SIZES, size])].sort((a, b) => a - b);
  // Above 10,000 the server's total is an estimate (ListTasksResponse.total_size).
  const count = total === undefined ? "" : total > 10_000 ? `about ${total.toLocaleString()} tasks` : `${total.toLocaleString()} ${total === 1 ? "task" : "tasks"}`;
  return (
    <Box sx={{ display: "flex", alignItems: "center", gap: 2, flexWrap: "wrap", my: 1 }}>
      <Typography role="status" aria-live="polite">{count}</Typography>
      <Box sx={{ flexGrow: 1 }} />
      <FormControl size="small" sx={{ minWidth: 120 }}>
        <InputLabel id={labelId}>Page size</InputLabel>
        <Select labelId={labelId} label="Page size" value={size} onChange={(e) => onSize(Number(e.target.value))}>
          {sizes.map((n) => (
            <MenuItem key={n} value={n}>
              {n}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      <Button variant="outlined" size="small" disabled={!hasPrevious} onClick={onPrevious}>
        Previous page
      </Button>
      <Button variant="outlined" size="small" disabled={!hasNext} onClick={onNext}>
        Next page
      </Button>
    </Box>
  );
}
