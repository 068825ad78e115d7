import { Typography } from "@mui/material";

export function QueueDetailPage() {
  return <Typography variant="h5" component="h1">QueueDetail</Typography>;
}
