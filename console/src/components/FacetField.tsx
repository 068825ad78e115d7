/**
 * A filter on one value (type, project, queue, creator): type any value, or pick one of the
 * values tasks have, shown with how many tasks have it — `demo.sleep (3)`.
 */
import { Autocomplete, TextField } from "@mui/material";

export function byCount(counts: Map<string, number> | undefined): string[] {
  return [...(counts ?? new Map<string, number>()).entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([v]) => v);
}

export function FacetField(props: { label: string; value?: string; counts?: Map<string, number>; onChange: (value: string | undefined) => void }) {
  const { label, value, counts, onChange } = props;
  return (
    <Autocomplete
      freeSolo
      autoSelect
      size="small"
      options={byCount(counts)}
      value={value ?? null}
      onChange={(_, v) => {
        const next = typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
        if (next !== value) onChange(next);
      }}
      renderOption={({ key, ...rest }, option) => (
        <li key={key} {...rest}>
          {option} ({counts?.get(option) ?? 0})
        </li>
      )}
      renderInput={(params) => <TextField {...params} label={label} />}
    />
  );
}
