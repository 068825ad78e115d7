"""Worker settings from arguments, else the environment, else defaults."""

from __future__ import annotations

import os
from collections.abc import Iterable

DEFAULT_TASKYARD_URL = "http://127.0.0.1:8080"
DEFAULT_TEMPORAL_ADDRESS = "127.0.0.1:7233"
DEFAULT_CONCURRENCY = 10
MAX_CONCURRENCY = 10_000

# The queue list (TASKYARD_WORKER_QUEUES, --queues) naming this serves every queue of the tenant.
ALL_QUEUES_MARK = "*"

ENV_HELP = """\
environment (a command-line flag wins over its variable):
  TASKYARD_URL            Taskyard API base URL (default http://127.0.0.1:8080)
  TASKYARD_TOKEN          API key with role `worker`, sent as `Authorization: Bearer <token>`
                          (optional: not needed when the API runs with auth off)
  TASKYARD_WORKER_HANDLERS
                          comma-separated handler modules, when --handlers is not given
  TASKYARD_WORKER_QUEUES  comma-separated Taskyard queues to serve (default `default`);
                          `*`: every queue of the tenant, including queues created later
  TASKYARD_WORKER_CONCURRENCY
                          most tasks run at once per Temporal task queue (default 10)
  TEMPORAL_ADDRESS        Temporal frontend host:port (default 127.0.0.1:7233)
  TEMPORAL_NAMESPACE      Temporal namespace (default: the one RegisterWorker answers)
  TEMPORAL_TLS            true/1/yes: connect to Temporal over TLS (default off)
  TEMPORAL_API_KEY        Temporal Cloud API key (implies TLS)
  TEMPORAL_TLS_CLIENT_CERT_PATH, TEMPORAL_TLS_CLIENT_KEY_PATH
                          mTLS client certificate and key, PEM files (both or neither;
                          imply TLS)
  TEMPORAL_TLS_SERVER_CA_CERT_PATH
                          CA certificate (PEM) to verify the server with (default: system roots)
  TEMPORAL_TLS_SERVER_NAME
                          server name to verify (SNI), when it differs from the address's host
"""


def split_list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or default


def env_bool(name: str, default: bool = False) -> bool:
    """true/1/yes or false/0/no (any case; unset or empty: `default`); ValueError otherwise."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("true", "1", "yes"):
        return True
    if value in ("false", "0", "no"):
        return False
    raise ValueError(f"{name}: expected true, false, 1, 0, yes or no (got {os.environ[name]!r})")


def env_int(name: str, default: int, *, minimum: int, maximum: int) -> int:
    """An integer within [minimum, maximum] (unset or empty: `default`); ValueError otherwise."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{name}: expected an integer (got {value!r})") from None
    if not minimum <= number <= maximum:
        raise ValueError(f"{name}: must be between {minimum} and {maximum} (got {number})")
    return number


def env_concurrency() -> int:
    """TASKYARD_WORKER_CONCURRENCY, default 10."""
    return env_int("TASKYARD_WORKER_CONCURRENCY", DEFAULT_CONCURRENCY, minimum=1, maximum=MAX_CONCURRENCY)


def env_handlers() -> list[str]:
    """TASKYARD_WORKER_HANDLERS: comma-separated handler modules (empty when unset)."""
    return split_list(os.environ.get("TASKYARD_WORKER_HANDLERS"))


def env_queues() -> list[str]:
    return split_list(os.environ.get("TASKYARD_WORKER_QUEUES")) or ["default"]


def served_queues(queues: Iterable[str] | str | None) -> list[str] | None:
    """The Taskyard queues to register, or None for every queue of the tenant: `"all"` (or
    `"*"`), or a list naming `*` (as TASKYARD_WORKER_QUEUES and --queues may). None as input
    reads TASKYARD_WORKER_QUEUES (default `default`)."""
    if queues is None:
        names = env_queues()
    elif isinstance(queues, str):
        if queues in ("all", ALL_QUEUES_MARK):
            return None
        raise TypeError(f'queues: a list of queue names, or "all" for every queue (got {queues!r})')
    else:
        names = list(queues)
    return None if ALL_QUEUES_MARK in names else names
