"""RegisterWorker's body, the handler declarations, start-up errors and the API client."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from pydantic import BaseModel

import taskyard_worker.temporal as temporal_module
from taskyard_worker import Handler, TaskContext, Worker, WorkerStartupError, handler
from taskyard_worker.api import ApiError, TaskyardApi
from taskyard_worker.durations import format_duration, parse_duration

from .conftest import FakeTaskyard


class Params(BaseModel):
    path: str
    depth: int = 1


class Result(BaseModel):
    size: int


@handler(
    "files.scan",
    params=Params,
    result=Result,
    description="Scans a folder",
    retry_policy={"max_attempts": 3, "initial_backoff_s": 1, "max_backoff_s": 60, "backoff_multiplier": 2},
    timeouts={"start_to_close_s": 3600, "heartbeat_s": 0.5},
)
async def scan(ctx: TaskContext, params: Params) -> dict:
    return {"size": params.depth}


@handler("files.touch", params={"type": "object", "properties": {"p": {"type": "string"}}})
async def touch(ctx: TaskContext, params: dict) -> dict:
    return params


def test_registration_body() -> None:
    w = Worker([scan, touch], ["default", "gpu"], identity="me", taskyard_url="http://x")
    body = w.registration_body()
    assert body["workerId"] == w.worker_id and len(w.worker_id) == 36
    assert body["identity"] == "me"
    assert body["queues"] == ["default", "gpu"]
    assert body["sdk"] == "taskyard-worker-python/0.1.0"
    first, second = body["taskTypes"]
    assert first == {
        "type": "files.scan",
        "description": "Scans a folder",
        "paramsSchema": Params.model_json_schema(),
        "resultSchema": Result.model_json_schema(),
        "retryPolicy": {"maxAttempts": 3, "initialBackoff": "1s", "maxBackoff": "60s", "backoffMultiplier": 2.0},
        "timeouts": {"startToClose": "3600s", "heartbeat": "0.500s"},
    }
    assert first["paramsSchema"]["required"] == ["path"]
    assert second == {
        "type": "files.touch",
        "description": "",
        "paramsSchema": {"type": "object", "properties": {"p": {"type": "string"}}},
    }


def test_default_identity_and_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TASKYARD_WORKER_QUEUES", "a, b")
    monkeypatch.setenv("TASKYARD_URL", "http://api:9")
    monkeypatch.setenv("TASKYARD_TOKEN", "sekret")
    monkeypatch.setenv("TEMPORAL_ADDRESS", "temporal:7233")
    monkeypatch.delenv("TEMPORAL_NAMESPACE", raising=False)
    w = Worker([scan])
    assert w.queues == ["a", "b"]
    assert (w.taskyard_url, w.token, w.temporal_address, w.temporal_namespace) == (
        "http://api:9", "sekret", "temporal:7233", None,
    )
    assert w.identity.startswith("python@") and "/" in w.identity
    monkeypatch.delenv("TASKYARD_WORKER_QUEUES")
    monkeypatch.delenv("TASKYARD_URL")
    monkeypatch.delenv("TASKYARD_WORKER_CONCURRENCY", raising=False)
    w = Worker([scan])
    assert w.queues == ["default"] and w.taskyard_url == "http://127.0.0.1:8080"
    assert w.max_concurrent == 10
    monkeypatch.setenv("TASKYARD_WORKER_CONCURRENCY", "4")
    assert Worker([scan]).max_concurrent == 4
    assert Worker([scan], max_concurrent=2).max_concurrent == 2  # an argument wins


def test_handler_declaration_errors() -> None:
    for bad in ("", "1abc", "has space", "x" * 129):
        with pytest.raises(ValueError):
            handler(bad)
    with pytest.raises(TypeError):
        handler("ok.sync")(lambda ctx, p: {})
    with pytest.raises(ValueError, match="unknown retry_policy"):
        handler("ok.t", retry_policy={"attempts": 3})(touch.fn)
    with pytest.raises(TypeError):
        handler("ok.t", params=int)(touch.fn)
    with pytest.raises(ValueError, match="two handlers"):
        Worker([touch, handler("files.touch")(touch.fn)])
    with pytest.raises(TypeError):
        Worker([touch.fn])  # type: ignore[list-item]


class Batch(BaseModel):
    clips: list[str]
    maybe: list[int] | None = None
    label: str = ""


def test_retry_items_param_is_registered() -> None:
    @handler("clips.encode", params=Batch, retry_items_param="clips")
    async def encode(ctx: TaskContext, params: Batch) -> dict:
        return {}

    @handler("clips.any", retry_items_param="things")  # no schema: any object, nothing to check
    async def anything(ctx: TaskContext, params: dict) -> dict:
        return {}

    assert encode.retry_items_param == "clips"
    body = Worker([encode, anything, touch], taskyard_url="http://x").registration_body()
    first, second, third = body["taskTypes"]
    assert first["retryItemsParam"] == "clips"
    assert second["retryItemsParam"] == "things"
    assert "retryItemsParam" not in third  # not declared: not sent
    # Optional[list] (pydantic's anyOf) is an array too
    assert handler("clips.maybe", params=Batch, retry_items_param="maybe")(encode.fn).retry_items_param == "maybe"


def test_retry_items_param_errors() -> None:
    for bad in ("1st", "has space", "a.b", "x" * 129):
        with pytest.raises(ValueError, match="invalid retry_items_param"):
            handler("clips.bad", retry_items_param=bad)(touch.fn)
    with pytest.raises(ValueError, match="not a property"):
        handler("clips.bad", params=Batch, retry_items_param="clip")(touch.fn)
    with pytest.raises(ValueError, match="must be an array"):
        handler("clips.bad", params=Batch, retry_items_param="label")(touch.fn)


async def test_handler_is_still_callable() -> None:
    assert isinstance(scan, Handler)
    assert scan.__name__ == "scan"
    assert await scan(None, Params(path="/", depth=3)) == {"size": 3}


def test_durations() -> None:
    assert [format_duration(x) for x in (0, 1, 10, 0.5, 1.25, 0.000001)] == [
        "0s", "1s", "10s", "0.500s", "1.250s", "0.000001s",
    ]
    assert parse_duration("10s", 1) == 10 and parse_duration("0.500s", 1) == 0.5
    assert parse_duration(None, 3) == 3 and parse_duration("bogus", 3) == 3


async def test_register_sends_token_and_parses_answer(fake: FakeTaskyard) -> None:
    fake.answers["RegisterWorker"] = {"assignments": [], "temporalNamespace": "ns"}
    w = Worker([scan], taskyard_url="http://taskyard.test")
    api = fake.api(token="k1")
    assert (await w.register(api))["temporalNamespace"] == "ns"
    await api.aclose()
    call = fake.of("RegisterWorker")[0]
    assert call.headers["authorization"] == "Bearer k1"
    assert call.body == w.registration_body()


async def test_register_failure_is_a_clear_startup_error(fake: FakeTaskyard) -> None:
    fake.answers["RegisterWorker"] = (400, {"code": "invalid_argument", "message": "task_types[0].params_schema: not a schema"})
    w = Worker([scan], taskyard_url="http://taskyard.test", http_transport=httpx.MockTransport(fake.handle))
    with pytest.raises(WorkerStartupError, match=r"invalid_argument: task_types\[0\].params_schema: not a schema"):
        await w.serve()
    assert len(fake.of("RegisterWorker")) == 1  # not retried
    assert fake.of("UnregisterWorker") == []


async def test_unavailable_is_retried_then_fails(fake: FakeTaskyard, monkeypatch: pytest.MonkeyPatch) -> None:
    fake.answers["RegisterWorker"] = (503, {"code": "unavailable", "message": "starting"})
    monkeypatch.setattr(asyncio, "sleep", _no_sleep)
    w = Worker([scan], taskyard_url="http://taskyard.test")
    api = fake.api()
    with pytest.raises(WorkerStartupError, match="unavailable: starting"):
        await w.register(api, retries=2)
    await api.aclose()
    assert len(fake.of("RegisterWorker")) == 3


_real_sleep = asyncio.sleep


async def _no_sleep(delay: float, *args) -> None:
    await _real_sleep(0)


async def test_connection_errors_are_unavailable() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    api = TaskyardApi("http://nowhere.test", transport=httpx.MockTransport(refuse))
    with pytest.raises(ApiError) as info:
        await api.call("UnregisterWorker", {"workerId": "w"})
    await api.aclose()
    assert info.value.code == "unavailable"
    assert "http://nowhere.test" in str(info.value)


async def test_non_json_error_maps_the_status() -> None:
    api = TaskyardApi("http://x.test", transport=httpx.MockTransport(lambda r: httpx.Response(401, text="no")))
    with pytest.raises(ApiError) as info:
        await api.call("RegisterWorker", {})
    await api.aclose()
    assert (info.value.code, info.value.message, info.value.status) == ("unauthenticated", "no", 401)


async def test_serve_unregisters_when_temporal_is_unreachable(
    fake: FakeTaskyard, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.answers["RegisterWorker"] = {
        "assignments": [{"queue": "default", "type": "files.scan", "temporalTaskQueue": "tq-1"}],
        "temporalNamespace": "taskyard",
        "heartbeatInterval": "15s",
        "progressInterval": "0.500s",
    }
    seen = {}

    async def connect(address: str, **kwargs):
        seen.update(address=address, **kwargs)
        raise RuntimeError("connection refused")

    monkeypatch.setattr(temporal_module.temporalio.client.Client, "connect", connect)
    w = Worker([scan], taskyard_url="http://taskyard.test", temporal_address="t:1",
               http_transport=httpx.MockTransport(fake.handle))
    with pytest.raises(WorkerStartupError, match="cannot connect to Temporal at t:1 .namespace taskyard."):
        await w.serve()
    assert seen["address"] == "t:1" and seen["namespace"] == "taskyard"
    assert w.heartbeat_interval_s == 15
    assert fake.of("UnregisterWorker")[0].body == {"workerId": w.worker_id}
