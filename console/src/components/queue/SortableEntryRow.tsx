import { useSortable } from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import type { QueueEntry } from "@gen/taskyard/v1/queue_service_pb.js";
import ArrowDownwardIcon from "@mui/icons-material/ArrowDownward";
import ArrowUpwardIcon from "@mui/icons-material/ArrowUpward";
import DragIndicatorIcon from "@mui/icons-material/DragIndicator";
import VerticalAlignTopIcon from "@mui/icons-material/VerticalAlignTop";
import { IconButton, TableCell, TableRow } from "@mui/material";
import { RouterLink } from "./RouterLink";
import type { StepMove } from "./useEntryMove";

export interface EntryRowProps {
  entry: QueueEntry;
  /** 0-based place in the order shown. */
  index: number;
  fairness: string | undefined;
  wait: string;
  canUp: boolean;
  canDown: boolean;
  /** A move is in flight: the row's controls wait for it. */
  busy: boolean;
  onMove: (move: StepMove) => void;
}

/**
 * One queued task: a drag handle (pointer or keyboard: focus it, Space, arrows, Space) and
 * Move up / Move down / Move to top buttons for those who would rather not drag.
 */
export function SortableEntryRow({ entry, index, fairness, wait, canUp, canDown, busy, onMove }: EntryRowProps) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({ id: entry.taskId, disabled: busy });
  const name = entry.taskName || entry.taskId;
  return (
    <TableRow
      ref={setNodeRef}
      data-task-id={entry.taskId}
      sx={{ transform: CSS.Translate.toString(transform), transition, position: "relative", zIndex: isDragging ? 1 : undefined, bgcolor: isDragging ? "action.selected" : "background.paper" }}
    >
      <TableCell padding="checkbox">
        <IconButton ref={setActivatorNodeRef} size="small" aria-label="Drag to reorder" sx={{ cursor: "grab", touchAction: "none" }} {...attributes} {...listeners}>
          <DragIndicatorIcon fontSize="small" />
        </IconButton>
      </TableCell>
      <TableCell align="right">{index + 1}</TableCell>
      <TableCell component="th" scope="row">
        <RouterLink to="/tasks/$taskId" params={{ taskId: entry.taskId }}>
          {name}
        </RouterLink>
      </TableCell>
      <TableCell>{entry.taskType}</TableCell>
      <TableCell align="right">{entry.priority}</TableCell>
      <TableCell>{fairness === undefined ? "…" : fairness || "—"}</TableCell>
      <TableCell align="right">{wait}</TableCell>
      <TableCell sx={{ whiteSpace: "nowrap" }}>
        <IconButton size="small" aria-label="Move up" title="Move up" disabled={busy || !canUp} onClick={() => onMove("up")}>
          <ArrowUpwardIcon fontSize="small" />
        </IconButton>
        <IconButton size="small" aria-label="Move down" title="Move down" disabled={busy || !canDown} onClick={() => onMove("down")}>
          <ArrowDownwardIcon fontSize="small" />
        </IconButton>
        <IconButton size="small" aria-label="Move to top" title="Move to the top of its priority band" disabled={busy || !canUp} onClick={() => onMove("top")}>
          <VerticalAlignTopIcon fontSize="small" />
        </IconButton>
      </TableCell>
    </TableRow>
  );
}
