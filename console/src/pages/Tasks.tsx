import { Typography } from "@mui/material";

export function TasksPage() {
  return <Typography variant="h5" component="h1">Tasks</Typography>;
}
