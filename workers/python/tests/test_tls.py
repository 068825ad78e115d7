"""Temporal TLS / Temporal Cloud settings: what Client.connect gets (nothing connects)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from temporalio.service import TLSConfig

import taskyard_worker.temporal as temporal_module
from taskyard_worker import TaskContext, Worker, WorkerStartupError, handler

from .conftest import FakeTaskyard

TLS_ENV = (
    "TEMPORAL_TLS", "TEMPORAL_API_KEY", "TEMPORAL_TLS_CLIENT_CERT_PATH", "TEMPORAL_TLS_CLIENT_KEY_PATH",
    "TEMPORAL_TLS_SERVER_CA_CERT_PATH", "TEMPORAL_TLS_SERVER_NAME",
)
CERT = b"-----BEGIN CERTIFICATE-----\nY2xpZW50\n-----END CERTIFICATE-----\n"
KEY = b"-----BEGIN PRIVATE KEY-----\na2V5\n-----END PRIVATE KEY-----\n"
CA = b"-----BEGIN CERTIFICATE-----\nY2E=\n-----END CERTIFICATE-----\n"


@handler("tls.noop")
async def noop(ctx: TaskContext, params: dict) -> dict:
    return {}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in TLS_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def pems(tmp_path: Path) -> dict[str, str]:
    paths = {}
    for name, data in (("client.pem", CERT), ("client.key", KEY), ("ca.pem", CA)):
        (tmp_path / name).write_bytes(data)
        paths[name] = str(tmp_path / name)
    return paths


def test_plain_by_default() -> None:
    w = Worker([noop])
    assert w.temporal_tls is False and w.temporal_tls_config() is False and w.temporal_api_key is None


@pytest.mark.parametrize("value", ["true", "1", "yes", "TRUE"])
def test_temporal_tls_switches_tls_on(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("TEMPORAL_TLS", value)
    assert Worker([noop]).temporal_tls_config() == TLSConfig()  # system roots, no client certificate


def test_temporal_tls_off_and_bad_values(monkeypatch: pytest.MonkeyPatch) -> None:
    for value in ("false", "0", "no", ""):
        monkeypatch.setenv("TEMPORAL_TLS", value)
        assert Worker([noop]).temporal_tls_config() is False
    monkeypatch.setenv("TEMPORAL_TLS", "maybe")
    with pytest.raises(ValueError, match="TEMPORAL_TLS: expected true"):
        Worker([noop])


def test_api_key_implies_tls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEMPORAL_API_KEY", "cloud-key")
    w = Worker([noop])
    assert w.temporal_api_key == "cloud-key"
    assert w.temporal_tls_config() == TLSConfig()


def test_mtls_from_env(monkeypatch: pytest.MonkeyPatch, pems: dict[str, str]) -> None:
    monkeypatch.setenv("TEMPORAL_TLS_CLIENT_CERT_PATH", pems["client.pem"])
    monkeypatch.setenv("TEMPORAL_TLS_CLIENT_KEY_PATH", pems["client.key"])
    monkeypatch.setenv("TEMPORAL_TLS_SERVER_CA_CERT_PATH", pems["ca.pem"])
    monkeypatch.setenv("TEMPORAL_TLS_SERVER_NAME", "ns.tmprl.cloud")
    tls = Worker([noop]).temporal_tls_config()  # a client certificate implies TLS
    assert isinstance(tls, TLSConfig)
    assert (tls.client_cert, tls.client_private_key, tls.server_root_ca_cert, tls.domain) == (
        CERT, KEY, CA, "ns.tmprl.cloud",
    )


def test_ca_and_server_name_alone_need_tls_on(monkeypatch: pytest.MonkeyPatch, pems: dict[str, str]) -> None:
    monkeypatch.setenv("TEMPORAL_TLS_SERVER_CA_CERT_PATH", pems["ca.pem"])
    monkeypatch.setenv("TEMPORAL_TLS_SERVER_NAME", "temporal.internal")
    assert Worker([noop]).temporal_tls_config() is False  # as the TypeScript side: they do not imply TLS
    monkeypatch.setenv("TEMPORAL_TLS", "1")
    tls = Worker([noop]).temporal_tls_config()
    assert isinstance(tls, TLSConfig)
    assert (tls.client_cert, tls.server_root_ca_cert, tls.domain) == (None, CA, "temporal.internal")


@pytest.mark.parametrize("given", ["TEMPORAL_TLS_CLIENT_CERT_PATH", "TEMPORAL_TLS_CLIENT_KEY_PATH"])
def test_cert_and_key_both_or_neither(monkeypatch: pytest.MonkeyPatch, pems: dict[str, str], given: str) -> None:
    monkeypatch.setenv(given, pems["client.pem"])
    with pytest.raises(ValueError, match="TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH .* must be set together"):
        Worker([noop])
    monkeypatch.delenv(given)
    with pytest.raises(ValueError, match="must be set together"):
        Worker([noop], temporal_tls_client_cert_path=pems["client.pem"])


def test_arguments_win_over_env(monkeypatch: pytest.MonkeyPatch, pems: dict[str, str]) -> None:
    monkeypatch.setenv("TEMPORAL_API_KEY", "env-key")
    monkeypatch.setenv("TEMPORAL_TLS_SERVER_NAME", "env.name")
    w = Worker([noop], temporal_api_key="arg-key", temporal_tls_server_name="arg.name",
               temporal_tls_client_cert_path=pems["client.pem"], temporal_tls_client_key_path=pems["client.key"])
    tls = w.temporal_tls_config()
    assert w.temporal_api_key == "arg-key"
    assert isinstance(tls, TLSConfig) and (tls.client_cert, tls.domain) == (CERT, "arg.name")
    assert Worker([noop], temporal_tls=False).temporal_tls_config() is False  # explicitly off
    ready = TLSConfig(server_root_ca_cert=b"mine")
    assert Worker([noop], temporal_tls=ready).temporal_tls_config() is ready  # used as is


async def test_serve_connects_with_tls_and_api_key(
    fake: FakeTaskyard, monkeypatch: pytest.MonkeyPatch, pems: dict[str, str]
) -> None:
    fake.answers["RegisterWorker"] = {
        "assignments": [{"queue": "default", "type": "tls.noop", "temporalTaskQueue": "tq"}],
        "temporalNamespace": "acme.a1b2c",
    }
    monkeypatch.setenv("TEMPORAL_API_KEY", "cloud-key")
    monkeypatch.setenv("TEMPORAL_TLS_SERVER_CA_CERT_PATH", pems["ca.pem"])
    seen: dict[str, Any] = {}

    async def connect(address: str, **kwargs: Any) -> Any:
        seen.update(address=address, **kwargs)
        raise RuntimeError("stop here")

    monkeypatch.setattr(temporal_module.temporalio.client.Client, "connect", connect)
    w = Worker([noop], taskyard_url="http://taskyard.test", temporal_address="acme.a1b2c.tmprl.cloud:7233",
               http_transport=httpx.MockTransport(fake.handle))
    with pytest.raises(WorkerStartupError, match="cannot connect to Temporal"):
        await w.serve()
    assert seen["address"] == "acme.a1b2c.tmprl.cloud:7233" and seen["namespace"] == "acme.a1b2c"
    assert seen["api_key"] == "cloud-key"
    assert seen["tls"] == TLSConfig(server_root_ca_cert=CA)


async def test_unreadable_pem_fails_before_registering(fake: FakeTaskyard, tmp_path: Path) -> None:
    w = Worker([noop], taskyard_url="http://taskyard.test", temporal_tls=True,
               temporal_tls_server_ca_cert_path=str(tmp_path / "missing.pem"),
               http_transport=httpx.MockTransport(fake.handle))
    with pytest.raises(WorkerStartupError, match="cannot read the Temporal TLS server CA certificate .*missing.pem"):
        await w.serve()
    assert fake.calls == []
