"""`python -m taskyard_worker --handlers …`: module loading and errors."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import taskyard_worker.cli as cli
from taskyard_worker.loader import LoadError, load_handlers

HANDLERS = textwrap.dedent(
    """
    from taskyard_worker import TaskContext, handler

    @handler("cli.one")
    async def one(ctx: TaskContext, params: dict) -> dict:
        return {}

    @handler("cli.two", description="second")
    async def two(ctx: TaskContext, params: dict) -> dict:
        return {}

    alias = one  # the same handler twice counts once
    """
)


@pytest.fixture
def modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "clihandlers.py").write_text(HANDLERS)
    (tmp_path / "nohandlers.py").write_text("VALUE = 1\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def test_loads_handlers_from_a_path(modules: Path) -> None:
    found = load_handlers([str(modules / "clihandlers.py")])
    assert [h.type for h in found] == ["cli.one", "cli.two"]


def test_loads_handlers_from_a_dotted_name(modules: Path) -> None:
    assert [h.type for h in load_handlers(["clihandlers"])] == ["cli.one", "cli.two"]


def test_module_without_handlers_is_a_clear_error(modules: Path) -> None:
    with pytest.raises(LoadError, match="'nohandlers.py' defines no handlers"):
        load_handlers(["nohandlers.py"])
    with pytest.raises(LoadError, match="no module named 'missing_mod'"):
        load_handlers(["missing_mod"])


def test_cli_runs_a_worker_with_the_options(modules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ran = {}

    class FakeWorker:
        def __init__(self, handlers, queues, *, max_concurrent):
            ran.update(types=[h.type for h in handlers], queues=queues, max_concurrent=max_concurrent)

        def run(self) -> None:
            ran["run"] = True

    monkeypatch.setattr(cli, "Worker", FakeWorker)
    code = cli.main(["--handlers", "clihandlers.py", "--queues", "a,b", "--concurrency", "3"])
    assert code == 0
    assert ran == {"types": ["cli.one", "cli.two"], "queues": ["a", "b"], "max_concurrent": 3, "run": True}


def test_cli_exits_2_without_handlers(modules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--handlers", "nohandlers.py"]) == 2
    assert "defines no handlers" in capsys.readouterr().err


def test_help_describes_the_options_and_env(modules: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "taskyard_worker", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for word in ("--handlers", "--queues", "--concurrency", "TASKYARD_URL", "TASKYARD_TOKEN",
                 "TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "TASKYARD_WORKER_QUEUES"):
        assert word in out
