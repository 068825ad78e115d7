"""Taskyard worker kit: serve Taskyard task types from a Python process.

    from taskyard_worker import TaskContext, TaskError, Worker, handler
"""

from ._version import __version__
from .api import ApiError
from .context import TaskContext
from .handler import Handler, handler
from .results import ItemFailure, TaskError, TaskResult
from .worker import Worker, WorkerStartupError

__all__ = [
    "ApiError",
    "Handler",
    "ItemFailure",
    "TaskContext",
    "TaskError",
    "TaskResult",
    "Worker",
    "WorkerStartupError",
    "__version__",
    "handler",
]
