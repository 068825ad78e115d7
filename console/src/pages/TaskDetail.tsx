import { Typography } from "@mui/material";

export function TaskDetailPage() {
  return <Typography variant="h5" component="h1">TaskDetail</Typography>;
}
