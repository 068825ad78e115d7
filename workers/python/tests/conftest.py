"""A fake Taskyard WorkerService (httpx.MockTransport) and helpers to run activities."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable

import httpx
import pytest
from temporalio.testing import ActivityEnvironment

from taskyard_worker.api import TaskyardApi
from taskyard_worker.runner import Runtime, build_activity

PREFIX = "/taskyard.v1.WorkerService/"


@dataclass
class Call:
    method: str
    body: dict[str, Any]
    at: float
    headers: httpx.Headers


@dataclass
class FakeTaskyard:
    """Answers WorkerService calls; `answers[method]` is a dict or a callable(body) -> dict,
    or an (status, error-json) tuple."""

    task: dict[str, Any] = field(default_factory=lambda: {"id": "t1", "type": "example.count", "params": {}})
    live: bool = True
    answers: dict[str, Any] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        assert request.method == "POST"
        assert request.url.path.startswith(PREFIX), request.url.path
        assert request.headers["content-type"] == "application/json"
        method = request.url.path[len(PREFIX):]
        body = json.loads(request.content or b"{}")
        self.calls.append(Call(method, body, time.monotonic(), request.headers))
        answer = self.answers.get(method)
        if callable(answer):
            answer = answer(body)
        if isinstance(answer, tuple):
            status, err = answer
            return httpx.Response(status, json=err)
        if answer is None:
            answer = self.default(method)
        return httpx.Response(200, json=answer)

    def default(self, method: str) -> dict[str, Any]:
        if method == "StartTaskRun":
            return {"live": True, "task": self.task} if self.live else {}
        if method == "EnterTaskCommitPhase":
            return {"entered": True}
        return {}

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def api(self, token: str | None = None) -> TaskyardApi:
        return TaskyardApi("http://taskyard.test", token, transport=httpx.MockTransport(self.handle))


@pytest.fixture
def fake() -> FakeTaskyard:
    return FakeTaskyard()


class Harness:
    """Runs a handler's activity in an ActivityEnvironment against the fake API."""

    def __init__(self, fake: FakeTaskyard, progress_interval_s: float = 0.2) -> None:
        self.fake = fake
        self.env = ActivityEnvironment()
        self.heartbeats: list[Any] = []
        self.env.on_heartbeat = lambda *d: self.heartbeats.append(d[0] if len(d) == 1 else d)
        self.rt = Runtime(fake.api(), "worker-1", progress_interval_s)

    def set_info(self, **changes: Any) -> None:
        self.env.info = replace(self.env.info, **changes)

    async def run(self, h: Any, input: dict[str, Any] | None = None) -> Any:
        activity_fn = build_activity(h, self.rt)
        payload = input or {"taskId": "t1", "attempt": 1, "type": h.type, "queue": "default"}
        try:
            return await self.env.run(activity_fn, payload)
        finally:
            await self.rt.api.aclose()


@pytest.fixture
def harness(fake: FakeTaskyard) -> Harness:
    return Harness(fake)


Factory = Callable[..., Harness]
