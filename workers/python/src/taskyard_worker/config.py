"""Worker settings from arguments, else the environment, else defaults."""

from __future__ import annotations

import os

DEFAULT_TASKYARD_URL = "http://127.0.0.1:8080"
DEFAULT_TEMPORAL_ADDRESS = "127.0.0.1:7233"

ENV_HELP = """\
environment:
  TASKYARD_URL            Taskyard API base URL (default http://127.0.0.1:8080)
  TASKYARD_TOKEN          API key with role `worker`, sent as `Authorization: Bearer <token>`
                          (optional: not needed when the API runs with auth off)
  TEMPORAL_ADDRESS        Temporal frontend host:port (default 127.0.0.1:7233)
  TEMPORAL_NAMESPACE      Temporal namespace (default: the one RegisterWorker answers)
  TASKYARD_WORKER_QUEUES  comma-separated Taskyard queues to serve (default `default`)
"""


def split_list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or default


def env_queues() -> list[str]:
    return split_list(os.environ.get("TASKYARD_WORKER_QUEUES")) or ["default"]
