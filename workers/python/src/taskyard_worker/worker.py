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
import temporalio.client
import temporalio.service
import temporalio.worker

from . import temporal
from ._version import SDK
from .api import ApiError, TaskyardApi
from .config import (
    DEFAULT_TASKYARD_URL,
    DEFAULT_TEMPORAL_ADDRESS,
    env_bool,
    env_concurrency,
    env_str,
    served_queues,
)
from .durations import parse_duration
from .handler import Handler
from .runner import Runtime
from .temporal import WorkerStartupError

log = logging.getLogger("taskyard_worker")

__all__ = ["Worker", "WorkerStartupError"]


class Worker:
    """Serves `handlers` on Taskyard `queues`: a list of queue names, or `"all"` for every queue
    of the tenant (including queues created later, picked up at a re-registration). Each
    setting left `None` comes from the environment (see the README), else its default."""

    def __init__(
        self,
        handlers: Iterable[Handler],
        queues: Iterable[str] | str | None = None,
        *,
        taskyard_url: str | None = None,
        token: str | None = None,
        temporal_address: str | None = None,
        temporal_namespace: str | None = None,
        temporal_tls: bool | temporalio.service.TLSConfig | None = None,
        temporal_api_key: str | None = None,
        temporal_tls_client_cert_path: str | None = None,
        temporal_tls_client_key_path: str | None = None,
        temporal_tls_server_ca_cert_path: str | None = None,
        temporal_tls_server_name: str | None = None,
        max_concurrent: int | None = None,
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
        served = served_queues(queues)
        self.all_queues = served is None  # every queue of the tenant
        self.queues: list[str] = served or []
        self.taskyard_url = taskyard_url or env_str("TASKYARD_URL", DEFAULT_TASKYARD_URL)
        self.token = token if token is not None else env_str("TASKYARD_TOKEN")
        self.temporal_address = temporal_address or env_str("TEMPORAL_ADDRESS", DEFAULT_TEMPORAL_ADDRESS)
        self.temporal_namespace = temporal_namespace or env_str("TEMPORAL_NAMESPACE")
        self.temporal_api_key = temporal_api_key or env_str("TEMPORAL_API_KEY")
        self.temporal_tls_client_cert_path = temporal_tls_client_cert_path or env_str("TEMPORAL_TLS_CLIENT_CERT_PATH")
        self.temporal_tls_client_key_path = temporal_tls_client_key_path or env_str("TEMPORAL_TLS_CLIENT_KEY_PATH")
        self.temporal_tls_server_ca_cert_path = (
            temporal_tls_server_ca_cert_path or env_str("TEMPORAL_TLS_SERVER_CA_CERT_PATH")
        )
        self.temporal_tls_server_name = temporal_tls_server_name or env_str("TEMPORAL_TLS_SERVER_NAME")
        if not isinstance(temporal_tls, temporalio.service.TLSConfig) and (
            bool(self.temporal_tls_client_cert_path) != bool(self.temporal_tls_client_key_path)
        ):
            raise ValueError(
                "TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH (temporal_tls_client_cert_path, "
                "temporal_tls_client_key_path) must be set together: a client certificate needs its key"
            )
        if temporal_tls is None:
            # An API key only travels over TLS (Temporal Cloud), and a client certificate is TLS.
            temporal_tls = (
                env_bool("TEMPORAL_TLS")
                or self.temporal_api_key is not None
                or self.temporal_tls_client_cert_path is not None
            )
        self.temporal_tls: bool | temporalio.service.TLSConfig = temporal_tls
        if max_concurrent is None:
            max_concurrent = env_concurrency()
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
        self._client: temporalio.client.Client | None = None
        self._pollers: dict[str, tuple[temporalio.worker.Worker, asyncio.Task[None]]] = {}
        self._poller_ended = asyncio.Event()
        self.started = asyncio.Event()  # set once polling Temporal

    @property
    def task_queues(self) -> list[str]:
        """The Temporal task queues polled now, one per (queue, type)."""
        return list(self._pollers)

    def temporal_tls_config(self) -> bool | temporalio.service.TLSConfig:
        """What `Client.connect` gets as `tls=`: False, or a TLSConfig (the PEM files read now)."""
        if isinstance(self.temporal_tls, temporalio.service.TLSConfig) or not self.temporal_tls:
            return self.temporal_tls
        return temporal.tls_config(
            client_cert_path=self.temporal_tls_client_cert_path,
            client_key_path=self.temporal_tls_client_key_path,
            server_ca_cert_path=self.temporal_tls_server_ca_cert_path,
            server_name=self.temporal_tls_server_name,
        )

    def registration_body(self) -> dict[str, Any]:
        """The RegisterWorker request (proto JSON)."""
        return {
            "workerId": self.worker_id,
            "identity": self.identity,
            "queues": self.queues,
            **({"allQueues": True} if self.all_queues else {}),
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
            tls = self.temporal_tls_config()  # unreadable PEM files fail before registering
            resp = await self.register(api)
            registered = True
            rt = Runtime(api, self.worker_id)
            self._apply(resp, rt)
            if not temporal.group_assignments(resp.get("assignments") or [], self.handlers):
                raise WorkerStartupError("RegisterWorker answered no assignments for the registered types")
            self._client = await self._connect(resp, tls)
            self._pollers = {}
            self._poller_ended.clear()
            self._poll(resp, rt)
            await self._run(api, rt)
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

    async def _connect(
        self, resp: dict[str, Any], tls: bool | temporalio.service.TLSConfig
    ) -> temporalio.client.Client:
        namespace = self.temporal_namespace or resp.get("temporalNamespace") or "default"
        client = await temporal.connect(
            self.temporal_address, namespace, self.identity, tls=tls, api_key=self.temporal_api_key
        )
        log.info(
            "worker %s registered; Temporal %s namespace %s%s%s", self.worker_id, self.temporal_address, namespace,
            " (TLS)" if tls else "", " with an API key" if self.temporal_api_key else "",
        )
        return client

    def _poll(self, resp: dict[str, Any], rt: Runtime) -> list[str]:
        """Starts polling the Temporal task queues of a RegisterWorker answer not polled yet (a
        queue created since, for a worker of all queues). Never stops a poller. Answers the
        task queues it started."""
        assert self._client is not None
        by_queue = temporal.group_assignments(resp.get("assignments") or [], self.handlers)
        fresh = {queue: handlers for queue, handlers in by_queue.items() if queue not in self._pollers}
        if not fresh:
            return []
        workers = temporal.build_workers(
            self._client, fresh, rt, max_concurrent=self.max_concurrent, identity=self.identity
        )
        for queue, w in zip(fresh, workers):
            running = asyncio.create_task(w.run(), name=f"taskyard-worker poller {queue}")
            running.add_done_callback(lambda _: self._poller_ended.set())
            self._pollers[queue] = (w, running)
        return list(fresh)

    async def _run(self, api: TaskyardApi, rt: Runtime) -> None:
        heartbeat = asyncio.create_task(self._heartbeat(api, rt))
        stop = asyncio.create_task(self._stop.wait())
        ended = asyncio.create_task(self._poller_ended.wait())  # a poller stopped (or failed)
        self.started.set()
        try:
            await asyncio.wait([stop, ended], return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
            ended.cancel()
            heartbeat.cancel()  # no poller starts from here on
            await asyncio.gather(heartbeat, return_exceptions=True)
            log.info("shutting down")
            pollers = list(self._pollers.values())
            await asyncio.gather(*(w.shutdown() for w, _ in pollers), return_exceptions=True)
            results = await asyncio.gather(*(running for _, running in pollers), return_exceptions=True)
        for r in results:
            if isinstance(r, BaseException) and not isinstance(r, asyncio.CancelledError):
                raise r

    async def _heartbeat(self, api: TaskyardApi, rt: Runtime) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_interval_s)
            try:
                resp = await api.call("RegisterWorker", self.registration_body(), retries=2)
            except Exception as err:
                log.warning("re-registration failed (will retry): %s", err)
                continue
            self._apply(resp, rt)
            try:
                self._poll(resp, rt)
            except Exception as err:
                log.warning("could not poll the new task queues (will retry at the next re-registration): %s", err)
