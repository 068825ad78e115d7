/**
 * Exit codes of the client commands, the same for every one of them; `tasks watch` and `tasks
 * wait` report the tasks' outcome through them (their --help lists them).
 */
import { TaskStatus, type Task } from "../../gen/taskyard/v1/task_pb.js";

export const EXIT = {
  /** Done; watch/wait: every task COMPLETED. */
  OK: 0,
  /** An RPC failed (the message names its gRPC code); watch/wait: some task FAILED or CANCELLED. */
  FAILED: 1,
  /** Bad command line. */
  USAGE: 2,
  /** watch/wait: no task FAILED or CANCELLED, but some COMPLETED_WITH_ERRORS. */
  PARTIAL: 3,
  /** wait: `--timeout` passed before every task finished. */
  TIMEOUT: 4,
  /** Interrupted (Ctrl-C), as shells report SIGINT. */
  INTERRUPTED: 130,
} as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0    every task COMPLETED
  1    some task FAILED or CANCELLED, or a call failed (the message names its gRPC code)
  2    bad command line
  3    none FAILED or CANCELLED, but some COMPLETED_WITH_ERRORS
  4    (wait) --timeout passed before every task finished
  130  interrupted`;

/** The exit code of a set of finished tasks: the worst outcome wins. */
export function outcomeCode(tasks: readonly Task[]): number {
  if (tasks.some((t) => t.status === TaskStatus.FAILED || t.status === TaskStatus.CANCELLED)) return EXIT.FAILED;
  if (tasks.some((t) => t.status === TaskStatus.COMPLETED_WITH_ERRORS)) return EXIT.PARTIAL;
  return EXIT.OK;
}
