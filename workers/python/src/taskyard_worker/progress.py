"""Sends a task's progress to Taskyard at a bounded rate, off the handler's path.

At most one ReportTaskProgress call per `interval_s` and at most one in flight; the latest
value waits (replacing older ones) and is always sent eventually; `flush()` sends it now.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable

Send = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


class ProgressSender:
    def __init__(
        self,
        send: Send,
        interval_s: float,
        on_abort: Callable[[], None],
        log: logging.Logger | logging.LoggerAdapter,
    ) -> None:
        self._send = send
        self._interval = max(0.0, interval_s)
        self._on_abort = on_abort
        self._log = log
        self._pending: dict[str, Any] | None = None
        self._last_sent: float | None = None
        self._task: asyncio.Task[None] | None = None
        self._now = asyncio.Event()  # set by flush(): skip the wait

    def report(self, progress: dict[str, Any]) -> None:
        """Queues `progress` (replacing a queued one); never waits."""
        self._pending = progress
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._drain())

    async def flush(self, timeout_s: float = 15.0) -> None:
        """Sends the queued value now and waits for the calls in flight (bounded)."""
        self._now.set()
        if self._pending is not None and (self._task is None or self._task.done()):
            self._task = asyncio.get_running_loop().create_task(self._drain())
        if self._task is not None and not self._task.done():
            try:
                await asyncio.wait_for(asyncio.shield(self._task), timeout_s)
            except asyncio.TimeoutError:
                self._log.warning("progress flush timed out after %.0fs", timeout_s)

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        while self._pending is not None:
            if self._last_sent is not None and not self._now.is_set():
                wait = self._last_sent + self._interval - loop.time()
                if wait > 0:
                    try:
                        await asyncio.wait_for(self._now.wait(), wait)
                    except asyncio.TimeoutError:
                        pass
            progress, self._pending = self._pending, None
            if progress is None:  # pragma: no cover - defensive
                return
            self._last_sent = loop.time()
            try:
                resp = await self._send(progress)
            except Exception as err:  # a lost progress write must not fail the task
                self._log.warning("progress report failed: %s", err)
                continue
            if resp.get("abortRequested"):
                self._on_abort()
