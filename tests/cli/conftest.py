"""The `ebox` CLI run by Typer's CliRunner against a fake e-Box API served over real HTTP."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator

import pytest
from typer.testing import CliRunner, Result

from tests.cli.fake_api import FakeApi, start

Run = Callable[..., Result]
SENDER = ["--client-id", "demo-sender", "--client-secret", "demo-sender-secret"]
CLERK = ["--client-id", "ent-0852093431", "--client-secret", "demo-secret"]


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the developer's shell exports, the CLI sees only what a test gives it."""
    for name in ("EBOX_API_URL", "EBOX_CLIENT_ID", "EBOX_CLIENT_SECRET", "EBOX_SENDER_ORG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture
def api() -> Iterator[FakeApi]:
    fake = FakeApi()
    server = start(fake)
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def run(api: FakeApi) -> Run:
    """`run("inbox", *CLERK)`: the CLI pointed at the fake API."""
    from ebox_cli.commands import app

    def invoke(*args: str, **kwargs: object) -> Result:
        return CliRunner().invoke(app, [*args, "--api", api.base_url], **kwargs)  # type: ignore[arg-type]

    return invoke


@pytest.fixture
def closed_port_url() -> str:
    """A URL where nothing listens: a port the OS just handed out and that was closed again."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
