/** A JSON value shown read-only, pretty-printed; `empty` when there is none. */
import type { JsonValue } from "@bufbuild/protobuf";
import { Box, Typography } from "@mui/material";

export function JsonView({ value, label, empty = "None." }: { value: JsonValue | undefined; label: string; empty?: string }) {
  const isEmpty = value === undefined || value === null || (typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0);
  if (isEmpty) return <Typography variant="body2">{empty}</Typography>;
  return (
    <Box
      component="pre"
      role="region"
      aria-label={label}
      tabIndex={0}
      sx={{ m: 0, p: 1, bgcolor: "grey.100", borderRadius: 1, overflow: "auto", maxHeight: 360, fontSize: 13, fontFamily: "monospace" }}
    >
      {JSON.stringify(value, null, 2)}
    </Box>
  );
}
