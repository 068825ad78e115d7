/** The task's labels (key=value) and tags as chips, each list named. */
import { Chip, Stack, Typography } from "@mui/material";
import type { Task } from "@gen/taskyard/v1/task_pb.js";

export function LabelsAndTags({ task }: { task: Task }) {
  const labels = Object.entries(task.labels).sort(([a], [b]) => a.localeCompare(b));
  return (
    <Stack spacing={1}>
      <ChipList title="Labels" items={labels.map(([k, v]) => `${k}=${v}`)} />
      <ChipList title="Tags" items={task.tags} />
      {task.comment ? <Typography variant="body2">Comment: {task.comment}</Typography> : null}
    </Stack>
  );
}

function ChipList({ title, items }: { title: string; items: string[] }) {
  return (
    <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: "wrap", alignItems: "center" }}>
      <Typography variant="body2" component="span" sx={{ fontWeight: 600 }}>
        {title}:
      </Typography>
      {items.length === 0 ? (
        <Typography variant="body2" component="span">
          none
        </Typography>
      ) : (
        <Stack component="ul" direction="row" spacing={1} useFlexGap aria-label={title} sx={{ flexWrap: "wrap", listStyle: "none", m: 0, p: 0 }}>
          {items.map((item) => (
            <li key={item}>
              <Chip size="small" variant="outlined" label={item} />
            </li>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
