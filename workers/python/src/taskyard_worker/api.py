"""Taskyard's WorkerService over Connect JSON, on one httpx.AsyncClient."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx

from ._version import SDK

log = logging.getLogger("taskyard_worker.api")

SERVICE = "taskyard.v1.WorkerService"

# Connect's code for an HTTP status, when an error body is not Connect JSON (e.g. a proxy).
_STATUS_CODES = {
    400: "invalid_argument",
    401: "unauthenticated",
    403: "permission_denied",
    404: "unimplemented",
    408: "deadline_exceeded",
    409: "aborted",
    429: "unavailable",
    502: "unavailable",
    503: "unavailable",
    504: "unavailable",
}


class ApiError(Exception):
    """A WorkerService call answered an error (`code` is Connect's, e.g. `invalid_argument`)."""

    def __init__(self, method: str, code: str, message: str, status: int | None = None) -> None:
        super().__init__(f"{method}: {code}: {message}")
        self.method = method
        self.code = code
        self.message = message
        self.status = status


class TaskyardApi:
    """Calls `POST {base_url}/taskyard.v1.WorkerService/<Method>` with proto JSON bodies."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        headers = {"connect-protocol-version": "1", "user-agent": SDK}
        if token:
            headers["authorization"] = f"Bearer {token}"
        self._client = httpx.AsyncClient(
            base_url=self.base_url, headers=headers, transport=transport, timeout=timeout
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def call(
        self, method: str, body: dict[str, Any], *, retries: int = 0, backoff_s: float = 0.5
    ) -> dict[str, Any]:
        """The response message as a dict. `retries` extra tries on `unavailable` or a
        connection error, with exponential backoff; other errors raise ApiError at once."""
        for attempt in range(retries + 1):
            try:
                return await self._call_once(method, body)
            except ApiError as err:
                if err.code != "unavailable" or attempt == retries:
                    raise
                reason: str = err.message
            delay = min(backoff_s * 2**attempt, 10.0)
            log.warning("%s: %s; retrying in %.1fs", method, reason, delay)
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _call_once(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        url = f"/{SERVICE}/{method}"
        try:
            resp = await self._client.post(url, json=body)
        except httpx.TransportError as err:
            raise ApiError(
                method, "unavailable", f"cannot reach Taskyard at {self.base_url}: {err!r}"
            ) from err
        if resp.status_code == 200:
            if not resp.content:
                return {}
            data = resp.json()
            return data if isinstance(data, dict) else {}
        code = _STATUS_CODES.get(resp.status_code, "unknown")
        message = resp.text.strip() or resp.reason_phrase
        try:
            data = resp.json()
        except ValueError:
            data = None
        if isinstance(data, dict):
            code = str(data.get("code") or code)
            message = str(data.get("message") or message)
        raise ApiError(method, code, message, resp.status_code)
