/**
 * ExplainTaskWait's answer in words: the summary, each reason (a title for its kind, the
 * message, its facts, the tasks involved as links), the task's place in dispatch order and the
 * estimate from the queue's recent throughput.
 */
import { Alert, Box, List, ListItem, Stack, Typography } from "@mui/material";
import type { TaskWaitExplanation, WaitReason } from "@gen/taskyard/v1/task_service_pb.js";
import { estimatedWaitText, factLabel, ordinal, waitKindTitle } from "../../lib/task-wait";
import { TaskLink } from "./TaskLink";

export function WaitExplanationView({ explanation: x }: { explanation: TaskWaitExplanation }) {
  if (!x.waiting) return <Typography variant="body2">It is not waiting to start.</Typography>;
  return (
    <Stack spacing={1.5}>
      <Alert severity="info" icon={false}>
        {x.summary}
      </Alert>
      {x.reasons.length > 0 ? (
        <List aria-label="Reasons it waits, most decisive first" disablePadding>
          {x.reasons.map((r, i) => (
            <ReasonItem key={`${r.kind}-${i}`} reason={r} />
          ))}
        </List>
      ) : null}
      <Box component="dl" sx={{ display: "grid", gridTemplateColumns: "max-content 1fr", columnGap: 2, rowGap: 0.5, m: 0 }}>
        <Fact term="Queue" value={x.queue} />
        <Fact term="Position" value={x.position === undefined ? "not in its queue's entries" : `${ordinal(Number(x.position))} in dispatch order (${x.position} ahead)`} />
        <Fact term="Ahead in its priority band" value={String(x.aheadInBand)} />
        <Fact term="Ahead at higher priority" value={String(x.aheadHigherPriority)} />
        <Fact term="Estimated wait" value={estimatedWaitText(x.estimatedWait)} />
        <Fact term="Started per minute (last 15 min)" value={x.startedPerMinute.toFixed(x.startedPerMinute < 10 ? 2 : 0)} />
      </Box>
    </Stack>
  );
}

function ReasonItem({ reason: r }: { reason: WaitReason }) {
  const facts = Object.entries(r.facts);
  return (
    <ListItem disableGutters sx={{ display: "block", py: 0.5 }}>
      <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600 }}>
        {waitKindTitle(r.kind)}
      </Typography>
      <Typography variant="body2">{r.message}</Typography>
      {facts.length > 0 ? (
        <Typography variant="body2">
          {facts.map(([k, v], i) => (
            <span key={k}>
              {i > 0 ? " · " : ""}
              {factLabel(k)}: <strong>{v}</strong>
            </span>
          ))}
        </Typography>
      ) : null}
      {r.taskIds.length > 0 ? (
        <Typography variant="body2" component="div">
          Tasks:{" "}
          {r.taskIds.map((id, i) => (
            <span key={id}>
              {i > 0 ? ", " : ""}
              <TaskLink id={id} />
            </span>
          ))}
        </Typography>
      ) : null}
    </ListItem>
  );
}

function Fact({ term, value }: { term: string; value: string }) {
  return (
    <Box sx={{ display: "contents" }}>
      <Typography component="dt" variant="body2" sx={{ fontWeight: 600 }}>
        {term}
      </Typography>
      <Typography component="dd" variant="body2" sx={{ m: 0 }}>
        {value}
      </Typography>
    </Box>
  );
}
