import { Paper, Typography } from "@mui/material";
import { useId, type ReactNode } from "react";

/** A titled part of the task page: a <section> named by its h2. */
export function Section({ title, children, action }: { title: string; children: ReactNode; action?: ReactNode }) {
  const id = useId();
  return (
    <Paper component="section" aria-labelledby={id} variant="outlined" sx={{ p: 2 }}>
      <Typography id={id} variant="h6" component="h2" sx={{ mb: 1, display: "flex", alignItems: "center", gap: 1 }}>
        {title}
        {action}
      </Typography>
      {children}
    </Paper>
  );
}
