"""TaskContext: what a handler sees of its task and how it talks back."""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

from temporalio import activity

from .api import TaskyardApi
from .progress import ProgressSender


class TaskContext:
    """The running task: ids, params, the checkpoint to resume from, and progress, artifacts
    and commit phase. Created by the kit for each execution; handlers do not construct it."""

    def __init__(
        self,
        *,
        api: TaskyardApi,
        task_id: str,
        attempt: int,
        execution_attempt: int,
        type: str,
        queue: str,
        task: dict[str, Any],
        params_raw: dict[str, Any],
        checkpoint: Any,
        log: logging.LoggerAdapter,
        progress_interval_s: float,
    ) -> None:
        self.task_id = task_id
        self.attempt = attempt
        self.execution_attempt = execution_attempt
        self.type = type
        self.queue = queue
        self.task = task
        self.params_raw = params_raw
        self.checkpoint = checkpoint
        self.log = log
        self._api = api
        self._abort_requested = False  # by CancelTask (progress answer) or a refused commit
        self._cancelled = False  # by Temporal
        self._committing = False  # abort flags are ignored once in the commit phase
        self._handler_task: asyncio.Task[Any] | None = None
        self._progress = ProgressSender(self._send_progress, progress_interval_s, self._abort, log)

    @property
    def aborted(self) -> bool:
        """Whether the task was aborted (CancelTask, a refused commit phase, or Temporal)."""
        return self._abort_requested or self._cancelled

    async def progress(
        self, current: int, total: int, message: str = "", *, checkpoint: Any = None
    ) -> None:
        """Reports progress and records the checkpoint a retry resumes from (`checkpoint`, or
        `current` when None). Raises asyncio.CancelledError once the task is aborted."""
        self._raise_if_aborted()
        details: dict[str, Any] = {"current": int(current), "total": int(total), "message": str(message)}
        if checkpoint is not None:
            details["checkpoint"] = checkpoint
        activity.heartbeat(details)
        self._progress.report({"current": int(current), "total": int(total), "message": str(message)})
        await asyncio.sleep(0)
        self._raise_if_aborted()

    async def add_artifact(
        self, name: str, uri: str, *, kind: str = "file", metadata: dict[str, str] | None = None
    ) -> None:
        """Publishes an output of the task (replaces an artifact of the same name)."""
        artifact = {
            "name": name,
            "uri": uri,
            "kind": kind,
            "metadata": {str(k): str(v) for k, v in (metadata or {}).items()},
        }
        await self._api.call(
            "AddTaskArtifact", {"taskId": self.task_id, "attempt": self.attempt, "artifact": artifact}
        )

    @asynccontextmanager
    async def commit_phase(self) -> AsyncIterator[None]:
        """Enters the commit phase: from then on CancelTask is refused. Raises
        asyncio.CancelledError when an abort came first."""
        self._raise_if_aborted()
        resp = await self._api.call(
            "EnterTaskCommitPhase", {"taskId": self.task_id, "attempt": self.attempt}
        )
        if not resp.get("entered"):
            self._abort_requested = True
            raise asyncio.CancelledError("task aborted before its commit phase")
        self._committing = True
        self.log.info("entered the commit phase")
        yield

    def _raise_if_aborted(self) -> None:
        if self._cancelled or (self._abort_requested and not self._committing):
            raise asyncio.CancelledError("task aborted")

    def _abort(self) -> None:
        """A progress answer said abortRequested: cancel the handler (not while committing)."""
        if self._committing or self._abort_requested:
            return
        self._abort_requested = True
        self.log.info("abort requested; cancelling the handler")
        if self._handler_task is not None and not self._handler_task.done():
            self._handler_task.cancel("task aborted")

    async def _send_progress(self, progress: dict[str, Any]) -> dict[str, Any]:
        body = {"taskId": self.task_id, "attempt": self.attempt, "progress": progress}
        return await self._api.call("ReportTaskProgress", body, retries=3)
