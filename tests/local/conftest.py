"""Fixtures of the local stack's own tests: a small template (fixtures/) provisioned in moto's
in-process mock, with the runtime's bridges installed, as the local stack would run it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TEMPLATE = FIXTURES / "template.yaml"
ROOT_TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"
MOTO_CONFIG: Any = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "eu-west-1", "AWS_REGION": "eu-west-1"}.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def moto_server(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """moto's threaded server (DynamoDB Streams need it), the AWS endpoint for the test: its URL. Reset, then
    stopped after the test (and after the fixtures that use it)."""
    import requests
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{server._server.server_port}"  # noqa: SLF001 - the port it took
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    try:
        yield endpoint
    finally:
        requests.post(f"{endpoint}/moto-api/reset", timeout=10)
        server.stop()


@pytest.fixture
def mocked(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """fixtures/template.yaml provisioned in moto's mock, handlers run by the bridges."""
    from ebox_local import moto_bridges
    from ebox_local.functions import forget_handlers
    from ebox_local.provisioning import provision_template
    from moto import mock_aws

    with mock_aws(config=MOTO_CONFIG):
        provisioned = provision_template(TEMPLATE)
        for name, value in provisioned.environment.items():
            monkeypatch.setenv(name, value)
        moto_bridges.install(provisioned)
        try:
            yield provisioned
        finally:
            moto_bridges.uninstall()
            forget_handlers()


