"""All queues, and pollers started for the task queues a re-registration adds (Temporal faked)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
import temporalio.worker

import taskyard_worker.temporal as temporal_module
from taskyard_worker import TaskContext, Worker, handler

from .conftest import FakeTaskyard


@handler("files.scan")
async def scan(ctx: TaskContext, params: dict) -> dict:
    return {}


@handler("files.touch")
async def touch(ctx: TaskContext, params: dict) -> dict:
    return {}


def test_all_queues_registration_body(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TASKYARD_WORKER_QUEUES", raising=False)
    for queues in ("all", "*", ["*"], ["a", "*"]):
        w = Worker([scan], queues)
        assert (w.all_queues, w.queues) == (True, [])
        body = w.registration_body()
        assert body["allQueues"] is True and body["queues"] == []
    named = Worker([scan], ["a"]).registration_body()
    assert named["queues"] == ["a"] and "allQueues" not in named
    assert "allQueues" not in Worker([scan]).registration_body()  # default: `default`
    with pytest.raises(TypeError, match='"all"'):
        Worker([scan], "gpu")


def test_all_queues_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TASKYARD_WORKER_QUEUES", "*")
    w = Worker([scan])
    assert w.all_queues and w.registration_body()["allQueues"] is True
    assert Worker([scan], ["gpu"]).registration_body()["queues"] == ["gpu"]  # an argument wins


class FakeTemporalWorker:
    """Stands in for temporalio.worker.Worker: records its options, runs until shutdown()."""

    made: list["FakeTemporalWorker"] = []

    def __init__(self, client: Any, **options: Any) -> None:
        self.client = client
        self.options = options
        self.stopped = asyncio.Event()
        self.shut_down = False
        FakeTemporalWorker.made.append(self)

    async def run(self) -> None:
        await self.stopped.wait()

    async def shutdown(self) -> None:
        self.shut_down = True
        self.stopped.set()


@pytest.fixture
def fake_temporal(monkeypatch: pytest.MonkeyPatch) -> list[FakeTemporalWorker]:
    FakeTemporalWorker.made = []
    client = object()

    async def connect(address: str, **kwargs: Any) -> Any:
        return client

    monkeypatch.setattr(temporal_module.temporalio.client.Client, "connect", connect)
    monkeypatch.setattr(temporalio.worker, "Worker", FakeTemporalWorker)
    return FakeTemporalWorker.made


def _answer(*queues: str) -> dict[str, Any]:
    return {
        "assignments": [
            {"queue": q, "type": t, "temporalTaskQueue": f"taskyard.{q}/acme/{t}"}
            for q in queues for t in ("files.scan", "files.touch")
        ],
        "temporalNamespace": "default",
        "heartbeatInterval": "1s",
        "progressInterval": "1s",
    }


async def test_reregistration_starts_pollers_for_new_task_queues(
    fake: FakeTaskyard, fake_temporal: list[FakeTemporalWorker]
) -> None:
    # The tenant has `default`; `gpu` is created after the first registration; then `default`
    # vanishes from an answer (its poller keeps running: pollers never stop on re-registration).
    answers = [_answer("default"), _answer("default", "gpu"), _answer("gpu")]
    fake.answers["RegisterWorker"] = lambda body: answers[min(len(fake.of("RegisterWorker")), len(answers)) - 1]
    w = Worker([scan, touch], "all", taskyard_url="http://taskyard.test", max_concurrent=3, identity="me",
               http_transport=httpx.MockTransport(fake.handle))
    serving = asyncio.create_task(w.serve())
    await asyncio.wait_for(w.started.wait(), 5)
    first = ["taskyard.default/acme/files.scan", "taskyard.default/acme/files.touch"]
    assert w.task_queues == first
    assert fake.of("RegisterWorker")[0].body["allQueues"] is True

    async def registered(n: int) -> None:
        while len(fake.of("RegisterWorker")) < n:
            await asyncio.sleep(0.02)

    await asyncio.wait_for(registered(2), 5)
    await asyncio.sleep(0.05)
    added = ["taskyard.gpu/acme/files.scan", "taskyard.gpu/acme/files.touch"]
    assert w.task_queues == first + added
    assert [m.options["task_queue"] for m in fake_temporal] == first + added  # one new worker per task queue
    await asyncio.wait_for(registered(3), 5)
    await asyncio.sleep(0.05)
    assert w.task_queues == first + added and len(fake_temporal) == 4  # nothing stopped, nothing doubled
    assert not any(m.shut_down for m in fake_temporal)

    new = fake_temporal[2]
    assert new.client is fake_temporal[0].client
    for key in ("max_concurrent_activities", "max_heartbeat_throttle_interval", "default_heartbeat_throttle_interval",
                "graceful_shutdown_timeout", "identity"):
        assert new.options[key] == fake_temporal[0].options[key]
    assert new.options["max_concurrent_activities"] == 3 and new.options["identity"] == "me"
    assert [a.__temporal_activity_definition.name for a in new.options["activities"]] == ["files.scan"]

    await asyncio.wait_for(w.shutdown(), 5)
    await serving
    assert all(m.shut_down for m in fake_temporal)
    assert fake.of("UnregisterWorker")[0].body == {"workerId": w.worker_id}


async def test_named_queues_also_poll_new_task_queues(
    fake: FakeTaskyard, fake_temporal: list[FakeTemporalWorker]
) -> None:
    # A named queue created after start may get its own Temporal task queue (not the default one).
    moved = _answer("gpu")
    for a in moved["assignments"]:
        a["temporalTaskQueue"] = a["temporalTaskQueue"].replace("taskyard.gpu", "gpu-pool")
    answers = [_answer("gpu"), moved]
    fake.answers["RegisterWorker"] = lambda body: answers[min(len(fake.of("RegisterWorker")), 2) - 1]
    w = Worker([scan, touch], ["gpu"], taskyard_url="http://taskyard.test",
               http_transport=httpx.MockTransport(fake.handle))
    serving = asyncio.create_task(w.serve())
    await asyncio.wait_for(w.started.wait(), 5)
    while len(fake.of("RegisterWorker")) < 2:
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.05)
    assert len(w.task_queues) == 4 and "gpu-pool/acme/files.touch" in w.task_queues
    await asyncio.wait_for(w.shutdown(), 5)
    await serving


async def test_a_failing_poller_stops_the_worker(
    fake: FakeTaskyard, fake_temporal: list[FakeTemporalWorker], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def fail(self: FakeTemporalWorker) -> None:
        raise RuntimeError("namespace not found")

    monkeypatch.setattr(FakeTemporalWorker, "run", fail)
    fake.answers["RegisterWorker"] = _answer("default")
    w = Worker([scan], ["default"], taskyard_url="http://taskyard.test",
               http_transport=httpx.MockTransport(fake.handle))
    with pytest.raises(RuntimeError, match="namespace not found"):
        await asyncio.wait_for(w.serve(), 5)
    assert fake.of("UnregisterWorker")
