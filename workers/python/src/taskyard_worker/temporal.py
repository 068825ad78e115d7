"""Temporal side: one activity-only temporalio Worker per assigned Temporal task queue."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import temporalio.client
import temporalio.service
import temporalio.worker

from .handler import Handler
from .runner import Runtime, build_activity

log = logging.getLogger("taskyard_worker")

# Heartbeats reach Temporal at least every 0.5 s, so a cancellation arrives fast.
THROTTLE = timedelta(milliseconds=500)
GRACEFUL_SHUTDOWN = timedelta(seconds=10)


class WorkerStartupError(RuntimeError):
    """The worker could not start (registration refused, Temporal unreachable, …)."""


def group_assignments(assignments: list[dict[str, Any]], handlers: dict[str, Handler]) -> dict[str, dict[str, Handler]]:
    """Handlers by Temporal task queue, from RegisterWorker's assignments (empty when none fits)."""
    by_queue: dict[str, dict[str, Handler]] = {}
    for a in assignments:
        h = handlers.get(a.get("type", ""))
        queue = a.get("temporalTaskQueue")
        if h is None or not queue:
            log.warning("ignoring assignment %s", a)
            continue
        by_queue.setdefault(queue, {})[h.type] = h
    return by_queue


def _read(what: str, path: str | None) -> bytes | None:
    if not path:
        return None
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as err:
        raise WorkerStartupError(f"cannot read the Temporal TLS {what} {path}: {err.strerror or err}") from err


def tls_config(
    *,
    client_cert_path: str | None = None,
    client_key_path: str | None = None,
    server_ca_cert_path: str | None = None,
    server_name: str | None = None,
) -> temporalio.service.TLSConfig:
    """The TLSConfig of PEM files (each optional: no client certificate, the system's roots) and
    the server name to verify."""
    if bool(client_cert_path) != bool(client_key_path):
        raise ValueError("TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH must be set together")
    return temporalio.service.TLSConfig(
        client_cert=_read("client certificate", client_cert_path),
        client_private_key=_read("client key", client_key_path),
        server_root_ca_cert=_read("server CA certificate", server_ca_cert_path),
        domain=server_name or None,
    )


async def connect(
    address: str,
    namespace: str,
    identity: str,
    *,
    tls: bool | temporalio.service.TLSConfig = False,
    api_key: str | None = None,
) -> temporalio.client.Client:
    try:
        return await temporalio.client.Client.connect(
            address, namespace=namespace, identity=identity, tls=tls, api_key=api_key
        )
    except Exception as err:
        raise WorkerStartupError(
            f"cannot connect to Temporal at {address} (namespace {namespace}): {err}"
        ) from err


def build_workers(
    client: temporalio.client.Client,
    by_queue: dict[str, dict[str, Handler]],
    rt: Runtime,
    *,
    max_concurrent: int,
    identity: str,
) -> list[temporalio.worker.Worker]:
    workers = []
    for queue, handlers in by_queue.items():
        log.info("polling %s for %s", queue, ", ".join(sorted(handlers)))
        workers.append(
            temporalio.worker.Worker(
                client,
                task_queue=queue,
                activities=[build_activity(h, rt) for h in handlers.values()],
                max_concurrent_activities=max_concurrent,
                max_heartbeat_throttle_interval=THROTTLE,
                default_heartbeat_throttle_interval=THROTTLE,
                graceful_shutdown_timeout=GRACEFUL_SHUTDOWN,
                identity=identity,
            )
        )
    return workers
