/** Created / started / ended time ranges as pairs of local date-time inputs ([from, to)). */
import { Box, TextField } from "@mui/material";
import { isoToLocalInput, localInputToIso } from "../lib/datetime-local";
import type { TaskSearch } from "../lib/task-search";

type RangeKey = "createdFrom" | "createdTo" | "startedFrom" | "startedTo" | "endedFrom" | "endedTo";

const RANGES: [string, RangeKey, RangeKey][] = [
  ["Created", "createdFrom", "createdTo"],
  ["Started", "startedFrom", "startedTo"],
  ["Ended", "endedFrom", "endedTo"],
];

export function TimeRangeFilter({ search, onChange }: { search: TaskSearch; onChange: (change: Partial<TaskSearch>) => void }) {
  const input = (label: string, key: RangeKey) => (
    <TextField
      key={key}
      type="datetime-local"
      size="small"
      label={label}
      value={isoToLocalInput(search[key])}
      onChange={(e) => {
        const iso = localInputToIso(e.target.value);
        // An incomplete value changes nothing; an emptied one removes the bound.
        if (iso !== undefined || e.target.value === "") onChange({ [key]: iso });
      }}
      slotProps={{ inputLabel: { shrink: true } }}
    />
  );
  return (
    <>
      {RANGES.map(([name, from, to]) => (
        <Box key={name} sx={{ display: "grid", gridTemplateColumns: "1fr 1fr", gap: 1 }}>
          {input(`${name} from`, from)}
          {input(`${name} before`, to)}
        </Box>
      ))}
    </>
  );
}
