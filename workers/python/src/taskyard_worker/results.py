"""What a handler raises (TaskError) or returns for partial success (TaskResult)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class TaskError(Exception):
    """A structured failure of a task: `code` (e.g. `ASSET_NOT_FOUND`), a message, and whether
    retrying may help (`retryable=False` stops Temporal's automatic retries)."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        retryable: bool = True,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retryable = retryable
        self.details = details

    def __repr__(self) -> str:
        return f"TaskError({self.code!r}, {self.message!r}, retryable={self.retryable})"


@dataclass
class ItemFailure:
    """One item a handler failed to process (partial success)."""

    item: str
    code: str
    message: str


@dataclass
class TaskResult:
    """A handler's result with item counts: `items_failed > 0` makes the task
    COMPLETED_WITH_ERRORS instead of COMPLETED."""

    result: dict[str, Any] | None = None
    items_succeeded: int = 0
    items_failed: int = 0
    item_failures: list[ItemFailure] = field(default_factory=list)
