/** Status check boxes, each with how many tasks have that status — `RUNNING (3)`. */
import { Checkbox, FormControl, FormControlLabel, FormGroup, FormLabel } from "@mui/material";
import { STATUS_NAMES } from "../lib/task-search";

export function StatusFilter(props: { value?: string[]; counts?: Map<string, number>; onChange: (value: string[]) => void }) {
  const { value = [], counts, onChange } = props;
  const toggle = (name: string, on: boolean) => onChange(STATUS_NAMES.filter((n) => (n === name ? on : value.includes(n))));
  return (
    <FormControl component="fieldset" size="small">
      <FormLabel component="legend">Status</FormLabel>
      <FormGroup>
        {STATUS_NAMES.map((name) => (
          <FormControlLabel
            key={name}
            sx={{ my: -0.5 }}
            control={<Checkbox size="small" checked={value.includes(name)} onChange={(e) => toggle(name, e.target.checked)} />}
            label={`${name} (${counts?.get(name) ?? 0})`}
          />
        ))}
      </FormGroup>
    </FormControl>
  );
}
