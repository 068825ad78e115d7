/** The AIP-160 filter syntax in words: fields, operators and examples (shown under the filter box). */
import { Box, Table, TableBody, TableCell, TableHead, TableRow, Typography } from "@mui/material";

const FIELDS: [string, string][] = [
  ["id, parent_id", "task ids (text)"],
  ["name, type, project, queue, created_by, comment, visibility", "text: = and != (exact; * is a wildcard), : (contains)"],
  ["status", "PENDING, QUEUED, RUNNING, CANCELLING, COMPLETED, COMPLETED_WITH_ERRORS, FAILED, CANCELLED (= and !=)"],
  ["priority, attempt", "integers (= != < <= > >=)"],
  ["progress.percent", "number 0–100 (= != < <= > >=)"],
  ["archived", "true or false (= and !=)"],
  ["create_time, update_time, start_time, end_time, queue_time", 'RFC 3339 times, e.g. "2026-05-01T10:00:00Z" (= != < <= > >=)'],
  ["tags", 'tags:gpu — has the tag'],
  ["labels.<key>", 'labels.asset = "a1"; labels:env — has the key'],
];

const OPERATORS: [string, string][] = [
  ["=  !=  <  <=  >  >=", "compare a field with a value"],
  [":", "contains (text), has (tags, labels); field:* — is set"],
  ["AND  OR  NOT  -", "combine terms; as AIP-160 says, OR binds tighter than AND (a AND b OR c = a AND (b OR c)); a space between terms is AND; -term negates"],
  ["( )", "group terms"],
  ["\\", 'escapes " \\ and * inside a quoted value'],
];

const EXAMPLES = [
  "status = RUNNING AND priority >= 75",
  'project = "video" AND (status = FAILED OR status = COMPLETED_WITH_ERRORS)',
  'labels.asset = "a1" AND NOT tags:old',
  'name:thumb AND create_time >= "2026-05-01T00:00:00Z"',
];

export function FilterHelp({ id }: { id: string }) {
  return (
    <Box id={id} sx={{ mt: 1, p: 1, border: 1, borderColor: "divider", borderRadius: 1, fontSize: 13 }}>
      <Typography variant="subtitle2" component="h3">
        Filter syntax (AIP-160)
      </Typography>
      <Table size="small" aria-label="Filter fields">
        <TableHead>
          <TableRow>
            <TableCell component="th" scope="col">Field</TableCell>
            <TableCell component="th" scope="col">Values and operators</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {FIELDS.map(([f, d]) => (
            <TableRow key={f}>
              <TableCell><code>{f}</code></TableCell>
              <TableCell>{d}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Table size="small" aria-label="Filter operators" sx={{ mt: 1 }}>
        <TableHead>
          <TableRow>
            <TableCell component="th" scope="col">Operator</TableCell>
            <TableCell component="th" scope="col">Meaning</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {OPERATORS.map(([o, d]) => (
            <TableRow key={o}>
              <TableCell><code>{o}</code></TableCell>
              <TableCell>{d}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Typography variant="body2" sx={{ mt: 1 }}>Examples:</Typography>
      <Box component="ul" sx={{ m: 0, pl: 2 }}>
        {EXAMPLES.map((e) => (
          <li key={e}><code>{e}</code></li>
        ))}
      </Box>
    </Box>
  );
}
