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


@pytest.fixture
def fake_worker(monkeypatch: pytest.MonkeyPatch) -> dict:
    ran: dict = {}

    class FakeWorker:
        def __init__(self, handlers, queues, *, max_concurrent):
            ran.update(types=[h.type for h in handlers], queues=queues, max_concurrent=max_concurrent)

        def run(self) -> None:
            ran["run"] = True

    for name in ("TASKYARD_WORKER_HANDLERS", "TASKYARD_WORKER_CONCURRENCY", "TASKYARD_WORKER_QUEUES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(cli, "Worker", FakeWorker)
    return ran


def test_cli_env_defaults_for_handlers_and_concurrency(
    modules: Path, monkeypatch: pytest.MonkeyPatch, fake_worker: dict
) -> None:
    monkeypatch.setenv("TASKYARD_WORKER_CONCURRENCY", "7")
    monkeypatch.setenv("TASKYARD_WORKER_HANDLERS", "clihandlers.py")
    assert cli.main([]) == 0
    assert fake_worker == {"types": ["cli.one", "cli.two"], "queues": None, "max_concurrent": 7, "run": True}


def test_cli_flags_win_over_env(modules: Path, monkeypatch: pytest.MonkeyPatch, fake_worker: dict) -> None:
    monkeypatch.setenv("TASKYARD_WORKER_HANDLERS", "nohandlers.py")
    monkeypatch.setenv("TASKYARD_WORKER_CONCURRENCY", "7")
    assert cli.main(["--handlers", "clihandlers", "--concurrency", "2"]) == 0
    assert (fake_worker["types"], fake_worker["max_concurrent"]) == (["cli.one", "cli.two"], 2)


def test_cli_default_concurrency_is_10(modules: Path, fake_worker: dict) -> None:
    assert cli.main(["--handlers", "clihandlers"]) == 0
    assert fake_worker["max_concurrent"] == 10


def test_cli_bad_concurrency_env(modules: Path, monkeypatch: pytest.MonkeyPatch, fake_worker: dict,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    for bad, says in (("lots", "expected an integer"), ("0", "must be between 1 and 10000")):
        monkeypatch.setenv("TASKYARD_WORKER_CONCURRENCY", bad)
        assert cli.main(["--handlers", "clihandlers"]) == 2
        assert f"TASKYARD_WORKER_CONCURRENCY: {says}" in capsys.readouterr().err
    assert "run" not in fake_worker


def test_cli_needs_handlers_from_flag_or_env(modules: Path, fake_worker: dict,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 2
    assert "--handlers or TASKYARD_WORKER_HANDLERS" in capsys.readouterr().err


def test_cli_all_queues(modules: Path, fake_worker: dict, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--handlers", "clihandlers", "--all-queues"]) == 0
    assert fake_worker["queues"] == "all"
    assert cli.main(["--handlers", "clihandlers", "--queues", "*"]) == 0
    assert fake_worker["queues"] == ["*"]  # the Worker reads `*` as every queue
    with pytest.raises(SystemExit):
        cli.main(["--handlers", "clihandlers", "--all-queues", "--queues", "a"])
    assert "not allowed with" in capsys.readouterr().err


def test_cli_reports_a_half_mtls_setting(modules: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TEMPORAL_TLS_CLIENT_CERT_PATH", "/certs/client.pem")
    monkeypatch.delenv("TEMPORAL_TLS_CLIENT_KEY_PATH", raising=False)
    assert cli.main(["--handlers", "clihandlers"]) == 2  # the real Worker refuses it before any I/O
    assert "TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH" in capsys.readouterr().err


def test_cli_exits_2_without_handlers(modules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--handlers", "nohandlers.py"]) == 2
    assert "defines no handlers" in capsys.readouterr().err


def test_help_describes_the_options_and_env(modules: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "taskyard_worker", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for word in ("--handlers", "--queues", "--all-queues", "--concurrency", "TASKYARD_URL", "TASKYARD_TOKEN",
                 "TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "TASKYARD_WORKER_QUEUES", "TASKYARD_WORKER_HANDLERS",
                 "TASKYARD_WORKER_CONCURRENCY", "TEMPORAL_TLS", "TEMPORAL_API_KEY", "TEMPORAL_TLS_CLIENT_CERT_PATH",
                 "TEMPORAL_TLS_CLIENT_KEY_PATH", "TEMPORAL_TLS_SERVER_CA_CERT_PATH", "TEMPORAL_TLS_SERVER_NAME"):
        assert word in out
