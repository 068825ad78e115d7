/**
 * The filter panel: a control for every ListTasks filter, with facet counts beside the values.
 * Each change hands the next view (back on the first page) to `onChange`, which writes the URL.
 */
import { Box, Button, FormControlLabel, Switch, TextField, Typography } from "@mui/material";
import type { FacetCounts } from "../hooks/useFacets";
import { withFilter, type TaskSearch } from "../lib/task-search";
import { FacetField } from "./FacetField";
import { FilterBox } from "./FilterBox";
import { ListField } from "./ListField";
import { StatusFilter } from "./StatusFilter";
import { TimeRangeFilter } from "./TimeRangeFilter";

export interface TaskFiltersProps {
  search: TaskSearch;
  facets?: FacetCounts;
  onChange: (next: TaskSearch) => void;
}

export function TaskFilters({ search, facets, onChange }: TaskFiltersProps) {
  const set = (change: Partial<TaskSearch>) => onChange(withFilter(search, change));
  const commitText = (v: string) => {
    const q = v.trim() || undefined;
    if (q !== search.q) set({ q });
  };
  return (
    <Box component="section" aria-labelledby="filters-heading" sx={{ display: "flex", flexDirection: "column", gap: 1.5 }}>
      <Box sx={{ display: "flex", alignItems: "center", justifyContent: "space-between" }}>
        <Typography id="filters-heading" variant="h6" component="h2">
          Filters
        </Typography>
        <Button size="small" onClick={() => onChange(withFilter({ size: search.size, order: search.order, view: search.view }, {}))}>
          Clear filters
        </Button>
      </Box>
      <TextField
        key={search.q ?? ""}
        label="Search text"
        size="small"
        type="search"
        defaultValue={search.q ?? ""}
        helperText="Name, comment and label values; Enter to search"
        onBlur={(e) => commitText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter") commitText((e.target as HTMLInputElement).value);
        }}
      />
      <StatusFilter value={search.status} counts={facets?.status} onChange={(status) => set({ status })} />
      <FacetField label="Type" value={search.type} counts={facets?.type} onChange={(type) => set({ type })} />
      <FacetField label="Project" value={search.project} counts={facets?.project} onChange={(project) => set({ project })} />
      <FacetField label="Queue" value={search.queue} counts={facets?.queue} onChange={(queue) => set({ queue })} />
      <FacetField label="Creator" value={search.creator} counts={facets?.creator} onChange={(creator) => set({ creator })} />
      <ListField label="Tags" helperText="Enter adds a tag; -tag excludes it" value={search.tag} counts={facets?.tag} onChange={(tag) => set({ tag })} />
      <ListField
        label="Labels"
        helperText="key=value, Enter adds"
        value={search.label}
        accept={(l) => l.indexOf("=") > 0}
        onChange={(label) => set({ label })}
      />
      <TimeRangeFilter search={search} onChange={set} />
      <FormControlLabel
        control={<Switch checked={search.archived ?? false} onChange={(e) => set({ archived: e.target.checked || undefined })} />}
        label="Include archived"
      />
      <FilterBox value={search.filter} onChange={(filter) => set({ filter })} />
      <Typography variant="caption" color="text.secondary">
        Counts beside the values are of the tasks the other filters select (free text aside).
      </Typography>
    </Box>
  );
}
