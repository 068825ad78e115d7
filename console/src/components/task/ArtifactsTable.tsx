/** The outputs the handler published; an http(s) URI is a link. */
import { Link, Table, TableBody, TableCell, TableHead, TableRow } from "@mui/material";
import type { Artifact } from "@gen/taskyard/v1/task_pb.js";

const isWebUri = (uri: string) => /^https?:\/\//i.test(uri);

export function ArtifactsTable({ artifacts }: { artifacts: Artifact[] }) {
  return (
    <Table size="small" aria-label="Artifacts">
      <TableHead>
        <TableRow>
          <TableCell>Name</TableCell>
          <TableCell>Kind</TableCell>
          <TableCell>URI</TableCell>
          <TableCell>Metadata</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {artifacts.map((a) => (
          <TableRow key={a.name}>
            <TableCell component="th" scope="row">
              {a.name}
            </TableCell>
            <TableCell>{a.kind || "—"}</TableCell>
            <TableCell sx={{ fontFamily: "monospace", wordBreak: "break-all" }}>
              {isWebUri(a.uri) ? (
                <Link href={a.uri} target="_blank" rel="noopener noreferrer">
                  {a.uri}
                </Link>
              ) : (
                a.uri
              )}
            </TableCell>
            <TableCell>
              {Object.entries(a.metadata)
                .map(([k, v]) => `${k}=${v}`)
                .join(", ") || "—"}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
