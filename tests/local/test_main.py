"""`ebox-local` as `make run` starts it: ready line, /health, SIGTERM → exit 0; errors → exit 1."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time

import pytest
import requests
from ebox_local.errors import TemplateError
from ebox_local.main import find_template, parse_args

from tests.local.conftest import FIXTURES, ROOT_TEMPLATE, TEMPLATE


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "ebox_local.main", *args], stderr=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, text=True, cwd=FIXTURES)


def test_sigterm_stops_it_cleanly(tmp_path):
    process = _start("--port", "0", "--moto-port", "0", "--no-seed")  # template.yaml found in the cwd
    lines = []
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = process.stderr.readline()
            lines.append(line)
            ready = re.search(r"e-Box ready on (http://\S+)", line)
            if ready or not line:
                break
        assert ready, "".join(lines)
        assert requests.get(f"{ready.group(1)}/health", timeout=5).status_code == 200
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        rest = process.stderr.read()
        assert "stopped" in rest
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    log = "".join(lines)
    assert "created Table (AWS::DynamoDB::Table) seen-test" in log
    assert "Distribution (AWS::CloudFront::Distribution) skipped" in log


def test_a_template_error_exits_1_with_one_line(tmp_path):
    broken = tmp_path / "template.yaml"
    broken.write_text(TEMPLATE.read_text().replace("!GetAtt Work.Arn", "!GetAtt Wrok.Arn"))
    process = _start("--template", str(broken), "--port", "0", "--moto-port", "0", "--parameter", "Flavour=fancy")
    _, err = process.communicate(timeout=60)
    assert process.returncode == 1, err
    assert re.search(r"cannot start: \w+ refers to Wrok,", err) and "Traceback" not in err


def test_options_and_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("EBOX_PORT", "8123")
    monkeypatch.delenv("EBOX_MOTO_PORT", raising=False)
    args = parse_args(["--parameter", "Stage=demo", "--no-seed"])
    assert (args.port, args.moto_port, args.parameter, args.no_seed) == (8123, 5057, ["Stage=demo"], True)
    assert find_template(ROOT_TEMPLATE.parent / "functions" / "notify") == ROOT_TEMPLATE
    with pytest.raises(TemplateError):
        find_template(tmp_path)


def test_smoke_publishes_and_consults_through_the_deployed_template_then_exits_0():
    """`ebox-local --smoke` (what `make deploy-local` runs on LocalStack), here on moto."""
    process = subprocess.Popen([sys.executable, "-m", "ebox_local.main", "--port", "0", "--moto-port", "0", "--smoke"],
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, cwd=ROOT_TEMPLATE.parent)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert "smoke: the document came back byte for byte" in err
    assert re.search(r"smoke test passed: \d+ resources of template.yaml deployed on http://", err)


def test_a_failed_smoke_step_says_what_it_got(monkeypatch):
    from ebox_local.smoke import SmokeTestFailed, run_smoke_test

    class Refused:
        status_code, text = 401, '{"code": "UNAUTHORIZED"}'

    monkeypatch.setattr("ebox_local.smoke.requests.post", lambda *a, **k: Refused())
    with pytest.raises(SmokeTestFailed, match=r"a token for demo-sender: HTTP 401 .*UNAUTHORIZED"):
        run_smoke_test("http://127.0.0.1:9")
