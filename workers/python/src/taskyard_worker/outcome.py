"""Handler outcomes as activity results and Temporal ApplicationErrors."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from temporalio.exceptions import ApplicationError

from .results import ItemFailure, TaskError, TaskResult

SHUTDOWN_MESSAGE = "the worker shut down during the task; another worker resumes it"


def task_error(err: TaskError) -> ApplicationError:
    details = (err.details,) if err.details else ()
    return ApplicationError(err.message, *details, type=err.code, non_retryable=not err.retryable)


def aborted() -> ApplicationError:
    return ApplicationError("task aborted", type="TASK_ABORTED", non_retryable=True)


def worker_shutdown() -> ApplicationError:
    return ApplicationError(SHUTDOWN_MESSAGE, type="WORKER_SHUTDOWN", non_retryable=False)


def handler_error(err: BaseException) -> ApplicationError:
    return ApplicationError(str(err) or type(err).__name__, type="HANDLER_ERROR", non_retryable=False)


def _failure(f: Any) -> dict[str, str]:
    if isinstance(f, ItemFailure):
        return {"item": str(f.item), "code": str(f.code), "message": str(f.message)}
    if isinstance(f, dict):
        return {k: str(f.get(k, "")) for k in ("item", "code", "message")}
    raise TypeError(f"item_failures must hold ItemFailure objects, got {f!r}")


def to_output(value: Any) -> dict[str, Any]:
    """The activity result of a handler's return value (a dict, None, a TaskResult, or a
    pydantic model). Raises TaskError INVALID_RESULT for anything else."""
    if isinstance(value, TaskResult):
        result = value.result
        succeeded, failed = int(value.items_succeeded), int(value.items_failed)
        failures = [_failure(f) for f in value.item_failures]
    else:
        result, succeeded, failed, failures = value, 0, 0, []
    if result is None:
        result = {}
    elif isinstance(result, BaseModel):
        result = result.model_dump(mode="json")
    elif not isinstance(result, dict):
        raise TaskError(
            "INVALID_RESULT",
            f"a handler must return a dict, None or a TaskResult, not {type(result).__name__}",
            retryable=False,
        )
    return {"result": result, "itemsSucceeded": succeeded, "itemsFailed": failed, "itemFailures": failures}


