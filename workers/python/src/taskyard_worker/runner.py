"""The Temporal activity behind a Handler: StartTaskRun, run the handler as its own asyncio
task, and turn its ending (result, error, abort, cancellation, shutdown) into the outcome."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Callable

from temporalio import activity
from temporalio.exceptions import ApplicationError

from . import outcome
from .api import ApiError, TaskyardApi
from .context import TaskContext
from .handler import Handler
from .results import TaskError

logger = logging.getLogger("taskyard_worker.task")

_FINAL_API_CODES = {"not_found", "invalid_argument", "permission_denied", "failed_precondition"}


@dataclass
class Runtime:
    """What every activity of one Worker shares (progress_interval_s follows re-registrations)."""

    api: TaskyardApi
    worker_id: str
    progress_interval_s: float = 1.0


class TaskLog(logging.LoggerAdapter):
    """Prefixes messages with the task id (also in `extra` as task_id, task_type, attempt…)."""

    def process(self, msg: Any, kwargs: Any) -> tuple[Any, Any]:
        kwargs["extra"] = {**(self.extra or {}), **kwargs.get("extra", {})}
        return f"[task {kwargs['extra']['task_id']}] {msg}", kwargs


def checkpoint_from(heartbeat_details: Any) -> Any:
    """The checkpoint of the last heartbeat's first detail: its `checkpoint`, else `current`."""
    if not heartbeat_details:
        return None
    last = heartbeat_details[0]
    if not isinstance(last, dict):
        return None
    if last.get("checkpoint") is not None:
        return last["checkpoint"]
    return last.get("current")


def _shutting_down() -> bool:
    details = activity.cancellation_details()
    return activity.is_worker_shutdown() or bool(details and details.worker_shutdown)


def _uncancel() -> None:
    task = asyncio.current_task()
    if task is not None and hasattr(task, "uncancel"):
        task.uncancel()


async def _wait_done(task: asyncio.Task[Any]) -> None:
    """Waits until `task` ends, even if we are cancelled meanwhile (its cleanup must finish)."""
    while not task.done():
        try:
            await asyncio.wait({task})
        except asyncio.CancelledError:
            _uncancel()
            task.cancel()


async def run_task(h: Handler, rt: Runtime, input: dict[str, Any]) -> dict[str, Any]:
    info = activity.info()
    task_id = str(input["taskId"])
    attempt = int(input.get("attempt") or 0)
    log = TaskLog(
        logger, {"task_id": task_id, "task_type": h.type, "attempt": attempt, "execution_attempt": info.attempt}
    )
    try:
        started = await rt.api.call(
            "StartTaskRun",
            {"taskId": task_id, "attempt": attempt, "executionAttempt": info.attempt, "workerId": rt.worker_id},
        )
    except ApiError as err:
        raise ApplicationError(
            f"StartTaskRun failed: {err.code}: {err.message}",
            type="TASKYARD_API_ERROR", non_retryable=err.code in _FINAL_API_CODES,
        ) from None
    if not started.get("live"):
        log.info("stale execution of task %s; the handler does not run", task_id)
        return {"stale": True}
    task = started.get("task") or {}
    params_raw = task.get("params") or {}
    try:
        params = h.parse_params(params_raw)
    except TaskError as err:
        raise outcome.task_error(err) from None
    ctx = TaskContext(
        api=rt.api, task_id=task_id, attempt=attempt, execution_attempt=info.attempt,
        type=str(input.get("type") or h.type), queue=str(input.get("queue") or task.get("queue") or ""),
        task=task, params_raw=params_raw, checkpoint=checkpoint_from(info.heartbeat_details),
        log=log, progress_interval_s=rt.progress_interval_s,
    )
    log.info("running %s (checkpoint %r)", h.type, ctx.checkpoint)
    handler_task = asyncio.get_running_loop().create_task(h.fn(ctx, params))
    ctx._handler_task = handler_task
    cancelled = False
    try:
        await asyncio.wait({handler_task})
    except asyncio.CancelledError:  # Temporal cancelled the activity (or the worker stops)
        cancelled = True
        ctx._cancelled = True
        _uncancel()
        handler_task.cancel("activity cancelled")
        await _wait_done(handler_task)
    abort_requested = ctx._abort_requested
    await ctx._progress.flush()
    return _settle(handler_task, cancelled, abort_requested, log)


def _settle(
    handler_task: asyncio.Task[Any], cancelled: bool, abort_requested: bool, log: logging.LoggerAdapter
) -> dict[str, Any]:
    if cancelled:
        if _shutting_down():
            raise outcome.worker_shutdown()
        log.info("cancelled by Temporal")
        raise asyncio.CancelledError("activity cancelled")
    if abort_requested:
        log.info("aborted")
        raise outcome.aborted()
    if handler_task.cancelled():
        if _shutting_down():
            raise outcome.worker_shutdown()
        raise outcome.handler_error(RuntimeError("the handler was cancelled"))
    err = handler_task.exception()
    if err is None:
        try:
            return outcome.to_output(handler_task.result())
        except TaskError as bad:
            raise outcome.task_error(bad) from None
    if isinstance(err, TaskError):
        log.info("failed: %s: %s (retryable=%s)", err.code, err.message, err.retryable)
        raise outcome.task_error(err) from err
    if isinstance(err, asyncio.CancelledError) and _shutting_down():
        raise outcome.worker_shutdown()
    log.error("the handler raised an unexpected error", exc_info=err)
    raise outcome.handler_error(err) from err


def build_activity(h: Handler, rt: Runtime) -> Callable[..., Any]:
    """The activity (named after the task type) that runs `h`."""

    async def run(input: dict) -> dict:
        return await run_task(h, rt, input)

    run.__name__ = run.__qualname__ = f"taskyard_{h.type}"
    return activity.defn(name=h.type)(run)
