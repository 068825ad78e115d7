import { Chip } from "@mui/material";

/** "Paused" / "Active", in text (not colour alone). */
export function QueueStateChip({ paused }: { paused: boolean }) {
  return <Chip size="small" variant="outlined" label={paused ? "Paused" : "Active"} sx={paused ? { borderColor: "warning.dark", fontWeight: 600 } : undefined} />;
}
