"""The whole local stack, started as `make run` starts it (`ebox-local`, its own process), on free
ports, once for the end-to-end tests; stopped with Ctrl-C (SIGINT) at the end. Under
`make test-localstack` it runs on LocalStack (`--aws-endpoint`) instead of its embedded moto."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from typer.testing import CliRunner

from tests.apigw import PDF
from tests.conftest import on_localstack
from tests.e2e.demo_cli import EboxCli

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 600  # a wait on /health, ended as soon as it answers: a loaded machine may need minutes


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningStack:
    api_url: str
    aws_endpoint_url: str
    process: subprocess.Popen[bytes]


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    port, moto_port = _free_port(), _free_port()
    log = (tmp_path_factory.mktemp("local-stack") / "ebox-local.log").open("wb")
    command = [str(Path(sys.executable).parent / "ebox-local"), "--port", str(port), "--moto-port", str(moto_port)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT")}
    aws_endpoint = f"http://127.0.0.1:{moto_port}"
    if on_localstack():
        env, aws_endpoint = dict(os.environ), os.environ["AWS_ENDPOINT_URL"]
        command += ["--aws-endpoint", aws_endpoint]
    process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    stack = RunningStack(f"http://127.0.0.1:{port}", aws_endpoint, process)
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            if requests.get(f"{stack.api_url}/health", timeout=2).status_code == 200:
                break
        except requests.RequestException:  # not listening yet, or too busy starting to answer in time
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"ebox-local did not become ready; see {log.name}")
        time.sleep(0.2)
    yield stack
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0, "ebox-local did not stop cleanly on Ctrl-C"
    log.close()


@pytest.fixture(scope="session")
def base_url(local_stack: RunningStack) -> str:
    return local_stack.api_url


@pytest.fixture
def ebox(base_url: str, monkeypatch: pytest.MonkeyPatch) -> EboxCli:
    """The `ebox` CLI pointed at the running local stack."""
    monkeypatch.setenv("EBOX_API_URL", base_url)
    return EboxCli(CliRunner())


@pytest.fixture
def notice_pdf(tmp_path: Path) -> Path:
    """A small PDF a clerk would publish or attach."""
    document = tmp_path / "notice.pdf"
    document.write_bytes(PDF)
    return document
