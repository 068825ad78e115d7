"""Worker: registers the handlers with Taskyard and runs their activities on Temporal."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import uuid
from collections.abc import Iterable
from typing import Any

import httpx
import temporalio.worker

from . import temporal
from ._version import SDK
from .api import ApiError, TaskyardApi
from .config import DEFAULT_TASKYARD_URL, DEFAULT_TEMPORAL_ADDRESS, env_queues, env_str
from .durations import parse_duration
from .handler import Handler
from .runner import Runtime
from .temporal import WorkerStartupError

log = logging.getLogger("taskyard_worker")

__all__ = ["Worker", "WorkerStartupError"]


class Worker:
    def __init__(
        self,
        handlers: Iterable[Handler],
        queues: Iterable[str] | None = None,
        *,
        taskyard_url: str | None = None,
        token: str | None = None,
        temporal_address: str | None = None,
        temporal_namespace: str | None = None,
        max_concurrent: int = 10,
        identity: str | None = None,
        http_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.handlers: dict[str, Handler] = {}
        for h in handlers:
            if not isinstance(h, Handler):
                raise TypeError(f"not a handler (decorate it with @handler): {h!r}")
            if h.type in self.handlers:
                raise ValueError(f"two handlers for task type {h.type!r}")
            self.handlers[h.type] = h
        if not self.handlers:
            raise ValueError("a Worker needs at least one handler")
        self.queues = list(queues) if queues is not None else env_queues()
        self.taskyard_url = taskyard_url or env_str("TASKYARD_URL", DEFAULT_TASKYARD_URL)
        self.token = token if token is not None else env_str("TASKYARD_TOKEN")
        self.temporal_address = temporal_address or env_str("TEMPORAL_ADDRESS", DEFAULT_TEMPORAL_ADDRESS)
        self.temporal_namespace = temporal_namespace or env_str("TEMPORAL_NAMESPACE")
        if max_concurrent < 1:
            raise ValueError("max_concurrent must be at least 1")
        self.max_concurrent = max_concurrent
        self.identity = identity or f"python@{socket.gethostname()}/{os.getpid()}"
        self.worker_id = str(uuid.uuid4())
        self.heartbeat_interval_s = 30.0
        self._transport = http_transport
        self._stop = asyncio.Event()
        self._serving = False
        self._done = asyncio.Event()
        self.started = asyncio.Event()  # set once polling Temporal

    def registration_body(self) -> dict[str, Any]:
        """The RegisterWorker request (proto JSON)."""
        return {
            "workerId": self.worker_id,
            "identity": self.identity,
            "queues": self.queues,
            "taskTypes": [h.registration() for h in self.handlers.values()],
            "sdk": SDK,
        }

    async def register(self, api: TaskyardApi, *, retries: int = 3) -> dict[str, Any]:
        try:
            return await api.call("RegisterWorker", self.registration_body(), retries=retries)
        except ApiError as err:
            raise WorkerStartupError(
                f"RegisterWorker at {self.taskyard_url} failed: {err.code}: {err.message}"
            ) from None

    async def serve(self) -> None:
        """Registers, polls Temporal until shutdown() (or a worker fails), then unregisters."""
        self._serving = True
        self._done.clear()
        api = TaskyardApi(self.taskyard_url, self.token, transport=self._transport)
        registered = False
        try:
            resp = await self.register(api)
            registered = True
            rt = Runtime(api, self.worker_id)
            self._apply(resp, rt)
            workers = await self._temporal_workers(resp, rt)
            await self._run(workers, api, rt)
        finally:
            if registered:
                try:
                    await api.call("UnregisterWorker", {"workerId": self.worker_id})
                except Exception as err:  # best effort
                    log.warning("UnregisterWorker failed: %s", err)
            await api.aclose()
            self._serving = False
            self._done.set()

    async def shutdown(self) -> None:
        """Stops serve() gracefully (running tasks get ~10 s) and waits for it to end."""
        self._stop.set()
        if self._serving:
            await self._done.wait()

    def run(self) -> None:
        """Runs serve() until SIGINT/SIGTERM (blocking). A start-up failure exits the process
        with its message (SystemExit)."""
        if not logging.getLogger().handlers:
            logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
            logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per API call
        try:
            asyncio.run(self._serve_until_signal())
        except KeyboardInterrupt:
            pass
        except WorkerStartupError as err:
            raise SystemExit(f"error: {err}") from None

    async def _serve_until_signal(self) -> None:
        loop = asyncio.get_running_loop()
        main = asyncio.current_task()
        signals = 0

        def on_signal() -> None:
            nonlocal signals
            signals += 1
            if signals == 1:
                log.info("stopping (signal again to force)")
                self._stop.set()
            elif main is not None:
                main.cancel()

        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, on_signal)
            except (NotImplementedError, RuntimeError):  # e.g. Windows
                pass
        await self.serve()

    def _apply(self, resp: dict[str, Any], rt: Runtime) -> None:
        self.heartbeat_interval_s = max(1.0, parse_duration(resp.get("heartbeatInterval"), 30.0))
        rt.progress_interval_s = max(0.0, parse_duration(resp.get("progressInterval"), 1.0))

    async def _temporal_workers(self, resp: dict[str, Any], rt: Runtime) -> list[temporalio.worker.Worker]:
        by_queue = temporal.group_assignments(resp.get("assignments") or [], self.handlers)
        namespace = self.temporal_namespace or resp.get("temporalNamespace") or "default"
        client = await temporal.connect(self.temporal_address, namespace, self.identity)
        log.info("worker %s registered; Temporal %s namespace %s", self.worker_id, self.temporal_address, namespace)
        return temporal.build_workers(client, by_queue, rt, max_concurrent=self.max_concurrent, identity=self.identity)

    async def _run(self, workers: list[temporalio.worker.Worker], api: TaskyardApi, rt: Runtime) -> None:
        running = [asyncio.create_task(w.run()) for w in workers]
        heartbeat = asyncio.create_task(self._heartbeat(api, rt))
        stop = asyncio.create_task(self._stop.wait())
        self.started.set()
        try:
            await asyncio.wait([stop, *running], return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
            heartbeat.cancel()
            log.info("shutting down")
            await asyncio.gather(*(w.shutdown() for w in workers), return_exceptions=True)
            results = await asyncio.gather(*running, return_exceptions=True)
        for r in results:
            if isinstance(r, BaseException) and not isinstance(r, asyncio.CancelledError):
                raise r

    async def _heartbeat(self, api: TaskyardApi, rt: Runtime) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_interval_s)
            try:
                self._apply(await api.call("RegisterWorker", self.registration_body(), retries=2), rt)
            except Exception as err:
                log.warning("re-registration failed (will retry): %s", err)
