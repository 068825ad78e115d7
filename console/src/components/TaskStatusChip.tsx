/** A task's status as a chip; colours chosen for text contrast on white (WCAG AA). */
import { Chip, type ChipProps } from "@mui/material";
import { TaskStatus } from "@gen/taskyard/v1/task_pb.js";
import { statusName } from "../lib/format";

const LOOK: Partial<Record<TaskStatus, Pick<ChipProps, "color" | "variant">>> = {
  [TaskStatus.PENDING]: { variant: "outlined" },
  [TaskStatus.QUEUED]: { variant: "filled" },
  [TaskStatus.RUNNING]: { color: "primary", variant: "filled" },
  [TaskStatus.CANCELLING]: { color: "primary", variant: "outlined" },
  [TaskStatus.COMPLETED]: { color: "success", variant: "filled" },
  [TaskStatus.COMPLETED_WITH_ERRORS]: { color: "error", variant: "outlined" },
  [TaskStatus.FAILED]: { color: "error", variant: "filled" },
  [TaskStatus.CANCELLED]: { variant: "outlined" },
};

export function TaskStatusChip({ status }: { status: TaskStatus }) {
  return <Chip size="small" label={statusName(status)} {...(LOOK[status] ?? {})} />;
}
