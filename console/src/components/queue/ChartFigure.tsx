import { Box, Button, Paper, Typography } from "@mui/material";
import { useId, useState, type ReactNode } from "react";

/**
 * A chart with its title, a sentence saying what it shows (the text alternative, visible to all),
 * and optionally its data as a table behind a toggle.
 */
export function ChartFigure({ title, summary, children, table }: { title: string; summary: string; children: ReactNode; table?: ReactNode }) {
  const id = useId();
  const [showTable, setShowTable] = useState(false);
  return (
    <Paper variant="outlined" component="figure" aria-labelledby={`${id}-title`} aria-describedby={`${id}-summary`} sx={{ m: 0, p: 2, flex: "1 1 420px", minWidth: 0 }}>
      <Typography id={`${id}-title`} variant="subtitle1" component="h3" sx={{ fontWeight: 600 }}>
        {title}
      </Typography>
      <Typography id={`${id}-summary`} component="figcaption" variant="body2">
        {summary}
      </Typography>
      {children}
      {table ? (
        <Box>
          <Button size="small" aria-expanded={showTable} aria-controls={`${id}-table`} onClick={() => setShowTable(!showTable)}>
            {showTable ? "Hide the data table" : "Show the data as a table"}
          </Button>
          <Box id={`${id}-table`} hidden={!showTable}>
            {showTable ? table : null}
          </Box>
        </Box>
      ) : null}
    </Paper>
  );
}
