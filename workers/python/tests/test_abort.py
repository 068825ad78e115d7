"""Abort (CancelTask via the progress answer), Temporal cancellation, commit phase,
worker shutdown and checkpoints."""

from __future__ import annotations

import asyncio

import pytest
from temporalio.activity import ActivityCancellationDetails
from temporalio.exceptions import ApplicationError

from taskyard_worker import TaskContext, handler

from .conftest import FakeTaskyard, Harness


def looping(events: list[str], *, steps: int = 200, step_s: float = 0.02):
    @handler("example.loop")
    async def h(ctx: TaskContext, params: dict) -> dict:
        try:
            for i in range(steps):
                await asyncio.sleep(step_s)
                await ctx.progress(i + 1, steps)
        except asyncio.CancelledError:
            events.append("cleanup")
            raise
        events.append("finished")
        return {}

    return h


async def test_abort_requested_cancels_the_handler(fake: FakeTaskyard) -> None:
    h = Harness(fake, progress_interval_s=0.05)
    fake.answers["ReportTaskProgress"] = lambda body: {"abortRequested": body["progress"]["current"] >= 3}
    events: list[str] = []
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(ApplicationError) as info:
        await h.run(looping(events))
    assert info.value.type == "TASK_ABORTED"
    assert info.value.non_retryable is True
    assert events == ["cleanup"]
    assert loop.time() - started < 2  # well before the 4 s the loop would take
    assert h.heartbeats[-1]["current"] < 50


async def test_progress_raises_once_aborted(fake: FakeTaskyard) -> None:
    h = Harness(fake, progress_interval_s=0)
    fake.answers["ReportTaskProgress"] = {"abortRequested": True}
    seen: list[str] = []

    @handler("example.swallow")
    async def swallow(ctx: TaskContext, params: dict) -> dict:
        try:
            await ctx.progress(1, 3)
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            seen.append(f"aborted={ctx.aborted}")
        try:  # a handler that swallowed the cancellation still cannot carry on
            await ctx.progress(2, 3)
        except asyncio.CancelledError:
            seen.append("progress raised")
        return {"done": True}

    with pytest.raises(ApplicationError) as info:
        await h.run(swallow)
    assert info.value.type == "TASK_ABORTED"
    assert seen == ["aborted=True", "progress raised"]


async def test_temporal_cancellation_is_reraised_after_cleanup(fake: FakeTaskyard, harness: Harness) -> None:
    events: list[str] = []
    run = asyncio.create_task(harness.run(looping(events)))
    while len(harness.heartbeats) < 3:
        await asyncio.sleep(0.01)
    harness.env.cancel()
    with pytest.raises(asyncio.CancelledError):
        await run
    assert events == ["cleanup"]
    # The latest progress was still flushed to Taskyard.
    last = fake.of("ReportTaskProgress")[-1].body["progress"]["current"]
    assert last == harness.heartbeats[-1]["current"]


async def test_worker_shutdown_cancellation_is_retryable(harness: Harness) -> None:
    events: list[str] = []
    run = asyncio.create_task(harness.run(looping(events)))
    while len(harness.heartbeats) < 2:
        await asyncio.sleep(0.01)
    harness.env.worker_shutdown()
    harness.env.cancel(ActivityCancellationDetails(worker_shutdown=True))
    with pytest.raises(ApplicationError) as info:
        await run
    assert info.value.type == "WORKER_SHUTDOWN"
    assert info.value.non_retryable is False
    assert events == ["cleanup"]


async def test_commit_phase_entered(fake: FakeTaskyard) -> None:
    h = Harness(fake, progress_interval_s=0)
    # Once in the commit phase, an abort flag is ignored (the server refuses abort then).
    fake.answers["ReportTaskProgress"] = {"abortRequested": True}
    steps: list[str] = []

    @handler("example.commit")
    async def commit(ctx: TaskContext, params: dict) -> dict:
        async with ctx.commit_phase():
            steps.append("in commit")
            await ctx.progress(1, 2, "publishing")
            await asyncio.sleep(0.05)
            await ctx.progress(2, 2, "published")
            steps.append("committed")
        return {"published": True}

    out = await h.run(commit)
    assert out["result"] == {"published": True}
    assert steps == ["in commit", "committed"]
    assert fake.of("EnterTaskCommitPhase")[0].body == {"taskId": "t1", "attempt": 1}


async def test_commit_phase_refused_is_an_abort(fake: FakeTaskyard, harness: Harness) -> None:
    fake.answers["EnterTaskCommitPhase"] = {}  # entered absent = false
    steps: list[str] = []

    @handler("example.commit")
    async def commit(ctx: TaskContext, params: dict) -> dict:
        try:
            async with ctx.commit_phase():
                steps.append("in commit")
        except asyncio.CancelledError:
            steps.append(f"refused, aborted={ctx.aborted}")
            raise
        return {}

    with pytest.raises(ApplicationError) as info:
        await harness.run(commit)
    assert info.value.type == "TASK_ABORTED"
    assert steps == ["refused, aborted=True"]


async def test_temporal_cancellation_reaches_a_commit_phase(fake: FakeTaskyard, harness: Harness) -> None:
    steps: list[str] = []

    @handler("example.commit")
    async def commit(ctx: TaskContext, params: dict) -> dict:
        async with ctx.commit_phase():
            try:
                await asyncio.sleep(5)
            except asyncio.CancelledError:
                steps.append("force stopped")
                raise
        return {}

    run = asyncio.create_task(harness.run(commit))
    while not fake.of("EnterTaskCommitPhase"):
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.02)
    harness.env.cancel()
    with pytest.raises(asyncio.CancelledError):
        await run
    assert steps == ["force stopped"]


@pytest.mark.parametrize(
    ("details", "expected"),
    [
        ([], None),
        ([{"current": 7, "total": 20, "message": "counted 7"}], 7),
        ([{"current": 7, "total": 20, "message": "", "checkpoint": {"cursor": "abc"}}], {"cursor": "abc"}),
    ],
)
async def test_checkpoint_from_heartbeat_details(harness: Harness, details, expected) -> None:
    harness.set_info(heartbeat_details=details, attempt=2 if details else 1)
    seen = []

    @handler("example.resume")
    async def h(ctx: TaskContext, params: dict) -> dict:
        seen.append((ctx.checkpoint, ctx.execution_attempt))
        await ctx.progress(8, 20, checkpoint={"cursor": "def"})
        return {}

    await harness.run(h)
    assert seen == [(expected, 2 if details else 1)]
    assert harness.heartbeats[-1] == {"current": 8, "total": 20, "message": "", "checkpoint": {"cursor": "def"}}
