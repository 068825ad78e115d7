import { closestCenter, DndContext, KeyboardSensor, PointerSensor, useSensor, useSensors, type DragEndEvent } from "@dnd-kit/core";
import { SortableContext, sortableKeyboardCoordinates, verticalListSortingStrategy } from "@dnd-kit/sortable";
import { useQuery } from "@connectrpc/connect-query";
import { QueueService } from "@gen/taskyard/v1/queue_service_pb.js";
import { TaskService } from "@gen/taskyard/v1/task_service_pb.js";
import { Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Typography } from "@mui/material";
import { keepPreviousData } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { ErrorAlert } from "../ErrorAlert";
import { entryWaitMs, fairnessColumn, fairnessValue } from "../../lib/queue-entries";
import { formatWait } from "../../lib/queue-stats";
import { canStep } from "../../lib/queue-move";
import { entryAnnouncements, SCREEN_READER_INSTRUCTIONS } from "./entry-announcements";
import { SortableEntryRow } from "./SortableEntryRow";
import { useEntryMove } from "./useEntryMove";
import { QUEUE_REFRESH_MS } from "./useQueueRefresh";

const PAGE_SIZE = 100;

/**
 * The queue's entries in dispatch order, reordered by drag (pointer or keyboard) or per-row
 * buttons through MoveTask; the new order shows at once and is then read back from the server.
 */
export function QueueEntries({ queue, fairnessKey }: { queue: string; fairnessKey: string }) {
  const [dragging, setDragging] = useState(false);
  const move = useEntryMove(queue);
  const list = useQuery(QueueService.method.listQueueEntries, { name: queue, pageSize: PAGE_SIZE }, { refetchInterval: dragging || move.busy ? false : QUEUE_REFRESH_MS });
  const entries = move.optimistic ?? list.data?.entries ?? [];
  const ids = useMemo(() => entries.map((e) => e.taskId), [entries]);

  // The fairness value needs the task (project, creator, labels) unless the key is the type.
  const tasks = useQuery(TaskService.method.batchGetTasks, { ids: list.data?.entries.map((e) => e.taskId) ?? [] }, {
    enabled: fairnessKey !== "type" && (list.data?.entries.length ?? 0) > 0,
    placeholderData: keepPreviousData,
  });
  const taskById = useMemo(() => new Map((tasks.data?.tasks ?? []).map((t) => [t.id, t])), [tasks.data]);

  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 4 } }), useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }));
  const nameOf = (id: string | number) => {
    const e = entries.find((x) => x.taskId === id);
    return e ? e.taskName || e.taskId : String(id);
  };
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    setDragging(false);
    if (over) move.drop(entries, ids.indexOf(String(active.id)), ids.indexOf(String(over.id)));
  };

  const now = Date.now();
  return (
    <>
      <ErrorAlert error={list.error} title="Could not list the queue's entries" />
      <ErrorAlert error={move.error} title="The task was not moved" />
      <Typography role="status" variant="body2" sx={{ minHeight: "1.5em" }}>
        {move.message}
      </Typography>
      {list.data && entries.length === 0 ? <Typography>No task is waiting in this queue.</Typography> : null}
      {entries.length > 0 ? (
        <DndContext
          sensors={sensors}
          collisionDetection={closestCenter}
          onDragStart={() => setDragging(true)}
          onDragCancel={() => setDragging(false)}
          onDragEnd={onDragEnd}
          accessibility={{ announcements: entryAnnouncements(nameOf, ids), screenReaderInstructions: SCREEN_READER_INSTRUCTIONS }}
        >
          <TableContainer>
            <Table size="small" aria-label={`Entries of queue ${queue} in dispatch order`}>
              <TableHead>
                <TableRow>
                  <TableCell padding="checkbox">Drag</TableCell>
                  <TableCell align="right">Position</TableCell>
                  <TableCell>Task</TableCell>
                  <TableCell>Type</TableCell>
                  <TableCell align="right">Priority</TableCell>
                  <TableCell>{fairnessColumn(fairnessKey)}</TableCell>
                  <TableCell align="right">Wait</TableCell>
                  <TableCell>Move</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                <SortableContext items={ids} strategy={verticalListSortingStrategy}>
                  {entries.map((e, i) => (
                    <SortableEntryRow
                      key={e.taskId}
                      entry={e}
                      index={i}
                      fairness={tasks.isError ? "" : fairnessValue(fairnessKey, e, taskById.get(e.taskId))}
                      wait={formatWait(entryWaitMs(e, now))}
                      canUp={canStep(entries, i, -1)}
                      canDown={canStep(entries, i, 1)}
                      busy={move.busy}
                      onMove={(step) => move.step(entries, i, step)}
                    />
                  ))}
                </SortableContext>
              </TableBody>
            </Table>
          </TableContainer>
        </DndContext>
      ) : null}
      {list.data?.nextPageToken ? <Typography variant="body2">Showing the first {PAGE_SIZE} entries.</Typography> : null}
    </>
  );
}
