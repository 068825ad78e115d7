/**
 * A filter on several values (tags, labels): each typed value becomes a chip on Enter or when
 * the field loses focus; known values are offered with their counts.
 */
import { Autocomplete, TextField } from "@mui/material";
import { byCount } from "./FacetField";

export function ListField(props: {
  label: string;
  helperText: string;
  value?: string[];
  counts?: Map<string, number>;
  /** Keeps only acceptable values (e.g. `key=value` labels). */
  accept?: (v: string) => boolean;
  onChange: (value: string[]) => void;
}) {
  const { label, helperText, value = [], counts, accept = () => true, onChange } = props;
  return (
    <Autocomplete
      multiple
      freeSolo
      autoSelect
      size="small"
      options={byCount(counts)}
      value={value}
      onChange={(_, v) => onChange([...new Set(v.map((x) => x.trim()).filter((x) => x !== "" && accept(x)))])}
      renderOption={({ key, ...rest }, option) => (
        <li key={key} {...rest}>
          {option} ({counts?.get(option) ?? 0})
        </li>
      )}
      renderInput={(params) => <TextField {...params} label={label} helperText={helperText} />}
    />
  );
}
