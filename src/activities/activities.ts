/**
 * Taskyard's own activity behind taskWorkflow, run by the workflow host in `serve` (it holds
 * the database): `finishTask` records the end of an attempt. The handler activities are the
 * workers' (docs/workers.md): they reach MySQL only through WorkerService.
 */
import type { TaskActivities, TaskOutcome, TaskWorkflowInput } from "../../workflows/definitions.js";
import type { Outcome, TaskLifecycle } from "../tasks/lifecycle.js";

export function createActivities(deps: { lifecycle: TaskLifecycle }): TaskActivities {
  return {
    async finishTask(input: TaskWorkflowInput, outcome: TaskOutcome) {
      // Same shape; the workflow side types JSON loosely because it may not import domain types.
      await deps.lifecycle.finish(input.tenant, input.taskId, input.attempt, outcome as Outcome);
    },
  };
}
