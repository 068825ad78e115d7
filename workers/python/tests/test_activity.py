"""The handler activity against a fake Taskyard API, in Temporal's ActivityEnvironment."""

from __future__ import annotations

import asyncio
import logging

import pytest
from pydantic import BaseModel
from temporalio.exceptions import ApplicationError

from taskyard_worker import ItemFailure, TaskContext, TaskError, TaskResult, handler

from .conftest import FakeTaskyard, Harness


class CountParams(BaseModel):
    n: int = 10
    step_ms: int = 100


async def test_rising_progress_is_rate_bounded_and_flushed(fake: FakeTaskyard) -> None:
    h = Harness(fake, progress_interval_s=0.2)

    @handler("example.count", params=CountParams)
    async def count(ctx: TaskContext, params: CountParams) -> dict:
        for i in range(ctx.checkpoint or 0, params.n):
            await asyncio.sleep(params.step_ms / 1000)
            await ctx.progress(i + 1, params.n, f"counted {i + 1}")
        return {"counted": params.n}

    fake.task["params"] = {"n": 20, "step_ms": 25}  # 0.5 s of work
    loop = asyncio.get_running_loop()
    began = loop.time()
    out = await h.run(count)
    elapsed = loop.time() - began
    assert out == {"result": {"counted": 20}, "itemsSucceeded": 0, "itemsFailed": 0, "itemFailures": []}
    # Every progress call heartbeats, with rising values.
    assert [hb["current"] for hb in h.heartbeats] == list(range(1, 21))
    assert h.heartbeats[-1] == {"current": 20, "total": 20, "message": "counted 20"}
    reports = fake.of("ReportTaskProgress")
    # Rate-bounded: one call at once, then at most one per 0.2 s, plus the trailing flush
    # (3–4 calls for ~0.5 s), never one per progress call.
    assert 2 <= len(reports) <= elapsed / 0.2 + 2, [r.body for r in reports]
    assert len(reports) < 20
    gaps = [b.at - a.at for a, b in zip(reports, reports[1:-1])]  # the flush may skip the wait
    assert all(g >= 0.18 for g in gaps), gaps
    currents = [r.body["progress"]["current"] for r in reports]
    assert currents == sorted(currents)
    # Trailing flush: the last value reached Taskyard before the activity returned.
    assert reports[-1].body == {
        "taskId": "t1", "attempt": 1, "progress": {"current": 20, "total": 20, "message": "counted 20"},
    }
    start = fake.of("StartTaskRun")[0].body
    assert start == {"taskId": "t1", "attempt": 1, "executionAttempt": 1, "workerId": "worker-1"}


async def test_stale_execution_does_not_run_the_handler(fake: FakeTaskyard, harness: Harness) -> None:
    fake.live = False
    ran = []

    @handler("example.stale")
    async def h(ctx: TaskContext, params: dict) -> dict:
        ran.append(True)
        return {}

    assert await harness.run(h) == {"stale": True}
    assert ran == []
    assert [c.method for c in fake.calls] == ["StartTaskRun"]


async def test_pydantic_params_are_validated(fake: FakeTaskyard, harness: Harness) -> None:
    seen = []

    @handler("example.count", params=CountParams)
    async def h(ctx: TaskContext, params: CountParams) -> dict:
        seen.append(params)
        return {"n": params.n}

    fake.task["params"] = {"n": "7"}
    out = await harness.run(h)
    assert out["result"] == {"n": 7}
    assert isinstance(seen[0], CountParams) and seen[0].step_ms == 100


async def test_invalid_params_fail_non_retryable(fake: FakeTaskyard, harness: Harness) -> None:
    ran = []

    @handler("example.count", params=CountParams)
    async def h(ctx: TaskContext, params: CountParams) -> dict:
        ran.append(True)
        return {}

    fake.task["params"] = {"n": "many", "step_ms": []}
    with pytest.raises(ApplicationError) as info:
        await harness.run(h)
    err = info.value
    assert err.type == "INVALID_PARAMS"
    assert err.non_retryable is True
    assert "n" in err.message and "step_ms" in err.message
    assert {e["field"] for e in err.details[0]["errors"]} == {"n", "step_ms"}
    assert ran == []


async def test_dict_schema_handler_gets_the_params_dict(fake: FakeTaskyard, harness: Harness) -> None:
    schema = {"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]}
    seen = []

    @handler("files.probe", params=schema)
    async def h(ctx: TaskContext, params: dict) -> dict:
        seen.append((params, ctx.params_raw, ctx.task_id, ctx.attempt, ctx.queue, ctx.type))
        return {"ok": True}

    fake.task["params"] = {"path": "/a/b"}
    assert (await harness.run(h))["result"] == {"ok": True}
    assert seen == [({"path": "/a/b"}, {"path": "/a/b"}, "t1", 1, "default", "files.probe")]


async def test_absent_params_and_none_result(fake: FakeTaskyard, harness: Harness) -> None:
    fake.task.pop("params")
    seen = []

    @handler("example.none")
    async def h(ctx: TaskContext, params: dict) -> None:
        seen.append(params)
        assert isinstance(ctx.log, logging.LoggerAdapter) and ctx.log.extra["task_id"] == "t1"
        seen.append(ctx.checkpoint)

    out = await harness.run(h)
    assert seen == [{}, None]
    assert out["result"] == {}


@pytest.mark.parametrize("retryable", [True, False])
async def test_task_error(harness: Harness, retryable: bool) -> None:
    @handler("example.fail")
    async def h(ctx: TaskContext, params: dict) -> dict:
        raise TaskError("ASSET_NOT_FOUND", "no asset 42", retryable=retryable, details={"asset": 42})

    with pytest.raises(ApplicationError) as info:
        await harness.run(h)
    assert info.value.type == "ASSET_NOT_FOUND"
    assert info.value.message == "no asset 42"
    assert info.value.non_retryable is (not retryable)
    assert info.value.details == ({"asset": 42},)


async def test_unexpected_exception_is_a_retryable_handler_error(harness: Harness, caplog) -> None:
    @handler("example.bug")
    async def h(ctx: TaskContext, params: dict) -> dict:
        raise KeyError("boom")

    with pytest.raises(ApplicationError) as info:
        await harness.run(h)
    assert info.value.type == "HANDLER_ERROR"
    assert info.value.non_retryable is False
    assert "boom" in info.value.message
    assert any(r.exc_info and r.exc_info[0] is KeyError for r in caplog.records)


async def test_partial_success_shape(harness: Harness) -> None:
    @handler("example.batch")
    async def h(ctx: TaskContext, params: dict) -> TaskResult:
        return TaskResult(
            result={"done": 2},
            items_succeeded=2,
            items_failed=1,
            item_failures=[ItemFailure("c.mp4", "PROBE_FAILED", "bad header")],
        )

    assert await harness.run(h) == {
        "result": {"done": 2},
        "itemsSucceeded": 2,
        "itemsFailed": 1,
        "itemFailures": [{"item": "c.mp4", "code": "PROBE_FAILED", "message": "bad header"}],
    }


async def test_add_artifact_request(fake: FakeTaskyard, harness: Harness) -> None:
    @handler("example.art")
    async def h(ctx: TaskContext, params: dict) -> dict:
        await ctx.add_artifact("report", "s3://b/k.json", kind="report", metadata={"size": 12})
        await ctx.add_artifact("log", "file:///tmp/log")
        return {}

    await harness.run(h)
    bodies = [c.body for c in fake.of("AddTaskArtifact")]
    assert bodies == [
        {"taskId": "t1", "attempt": 1, "artifact": {"name": "report", "uri": "s3://b/k.json", "kind": "report", "metadata": {"size": "12"}}},
        {"taskId": "t1", "attempt": 1, "artifact": {"name": "log", "uri": "file:///tmp/log", "kind": "file", "metadata": {}}},
    ]


async def test_artifact_error_surfaces_server_message(fake: FakeTaskyard, harness: Harness) -> None:
    fake.answers["AddTaskArtifact"] = (400, {"code": "invalid_argument", "message": "artifact.uri: required"})

    @handler("example.art")
    async def h(ctx: TaskContext, params: dict) -> dict:
        await ctx.add_artifact("x", "")
        return {}

    with pytest.raises(ApplicationError) as info:
        await harness.run(h)
    assert info.value.type == "HANDLER_ERROR"
    assert "artifact.uri: required" in info.value.message
