import { RouterLink } from "../queue/RouterLink";

/** A link to a task's page, showing its id (or `children`). */
export function TaskLink({ id, children }: { id: string; children?: string }) {
  return (
    <RouterLink to="/tasks/$taskId" params={{ taskId: id }} sx={{ fontFamily: children ? undefined : "monospace" }}>
      {children ?? id}
    </RouterLink>
  );
}
