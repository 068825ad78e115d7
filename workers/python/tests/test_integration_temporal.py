"""End to end against a local Temporal dev server (the `temporal` CLI; skipped without it):
Worker.serve() in-process with the Taskyard API faked, and a test workflow that runs the
handler activity the way Taskyard's taskWorkflow does."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, CancelledError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner
from temporalio.worker import Worker as TemporalWorker

from taskyard_worker import TaskContext, Worker, handler

from .conftest import FakeTaskyard


def _temporal_cli() -> str | None:
    beside = Path(sys.executable).parent / "temporal"
    return str(beside) if beside.is_file() else shutil.which("temporal")


CLI = _temporal_cli()
pytestmark = pytest.mark.skipif(
    CLI is None or os.environ.get("TASKYARD_SKIP_TEMPORAL") == "1",
    reason="needs the temporal CLI (dev server)",
)


@workflow.defn(name="kitTestWorkflow")
class KitTestWorkflow:
    @workflow.run
    async def run(self, args: dict) -> dict:
        try:
            out = await workflow.execute_activity(
                args["type"],
                {"taskId": "t1", "attempt": 1, "type": args["type"], "queue": "default"},
                task_queue=args["taskQueue"],
                start_to_close_timeout=timedelta(seconds=30),
                heartbeat_timeout=timedelta(seconds=5),
                retry_policy=RetryPolicy(maximum_attempts=1),
                cancellation_type=workflow.ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
            )
            return {"kind": "completed", "out": out}
        except ActivityError as err:
            if isinstance(err.cause, CancelledError):
                return {"kind": "cancelled"}
            cause = err.cause
            return {"kind": "failed", "type": getattr(cause, "type", None), "message": getattr(cause, "message", str(cause))}


events: list[str] = []


@handler("it.count")
async def count(ctx: TaskContext, params: dict) -> dict:
    n = params.get("n", 5)
    try:
        for i in range(ctx.checkpoint or 0, n):
            await asyncio.sleep(0.05)
            await ctx.progress(i + 1, n, f"counted {i + 1}")
    except asyncio.CancelledError:
        events.append("cleanup")
        raise
    return {"counted": n}


@handler("it.fail")
async def fail(ctx: TaskContext, params: dict) -> dict:
    from taskyard_worker import TaskError

    raise TaskError("NOPE", "not today", retryable=False)


@pytest.fixture
async def env():
    e = await WorkflowEnvironment.start_local(dev_server_existing_path=CLI, dev_server_log_level="error")
    try:
        yield e
    finally:
        await e.shutdown()


async def test_worker_runs_handlers_on_temporal(env: WorkflowEnvironment) -> None:
    events.clear()
    fake = FakeTaskyard()
    tq = f"tq-{uuid.uuid4()}"
    fake.answers["RegisterWorker"] = {
        "assignments": [
            {"queue": "default", "type": "it.count", "temporalTaskQueue": tq},
            {"queue": "default", "type": "it.fail", "temporalTaskQueue": tq},
        ],
        "temporalNamespace": "default",
        "heartbeatInterval": "1s",
        "progressInterval": "0.100s",
    }
    target = env.client.service_client.config.target_host
    w = Worker([count, fail], taskyard_url="http://taskyard.test", temporal_address=target,
               http_transport=httpx.MockTransport(fake.handle))
    serving = asyncio.create_task(w.serve())
    await asyncio.wait_for(w.started.wait(), 20)
    try:
        async with TemporalWorker(env.client, task_queue="wf", workflows=[KitTestWorkflow],
                                  workflow_runner=UnsandboxedWorkflowRunner()):
            # 1. a run to completion
            fake.task["params"] = {"n": 10}
            done = await env.client.execute_workflow(
                KitTestWorkflow.run, {"type": "it.count", "taskQueue": tq}, id=str(uuid.uuid4()), task_queue="wf"
            )
            assert done == {"kind": "completed", "out": {"result": {"counted": 10}, "itemsSucceeded": 0,
                                                         "itemsFailed": 0, "itemFailures": []}}
            assert fake.of("ReportTaskProgress")[-1].body["progress"]["current"] == 10

            # 2. a TaskError
            failed = await env.client.execute_workflow(
                KitTestWorkflow.run, {"type": "it.fail", "taskQueue": tq}, id=str(uuid.uuid4()), task_queue="wf"
            )
            assert failed == {"kind": "failed", "type": "NOPE", "message": "not today"}

            # 3. Temporal cancellation reaches the handler fast (heartbeat throttle 0.5 s)
            fake.task["params"] = {"n": 400}
            fake.calls.clear()
            handle = await env.client.start_workflow(
                KitTestWorkflow.run, {"type": "it.count", "taskQueue": tq}, id=str(uuid.uuid4()), task_queue="wf"
            )

            async def reported(n: int) -> None:
                while not any(c.body["progress"]["current"] >= n for c in fake.of("ReportTaskProgress")):
                    await asyncio.sleep(0.05)

            await asyncio.wait_for(reported(3), 10)
            loop = asyncio.get_running_loop()
            asked = loop.time()
            await handle.cancel()
            try:
                outcome = await handle.result()
            except Exception as err:  # the workflow itself may end cancelled
                outcome = {"kind": type(err).__name__}
            assert events == ["cleanup"]
            assert loop.time() - asked < 3
            assert outcome == {"kind": "cancelled"}

        await asyncio.sleep(1.2)  # re-registers every heartbeatInterval (1 s)
        assert len(fake.of("RegisterWorker")) >= 1  # calls were cleared after the first
    finally:  # stop the worker before the dev server goes away
        await asyncio.wait_for(w.shutdown(), 30)
        await serving
    assert fake.of("UnregisterWorker")[0].body == {"workerId": w.worker_id}
