"""Failures are said in one red line on stderr with the API's code and message: exit 1 for the API (or its
absence), exit 2 for the command line, never a traceback."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from tests.cli.conftest import CLERK, SENDER, Run
from tests.cli.fake_api import FakeApi, status_message

PUBLISH = "/messageRegistry/v3/ebox/messages"


def test_an_api_error_shows_its_code_and_message_and_exits_1(run: Run, api: FakeApi):
    api.answer("POST", PUBLISH, *status_message(400, "INVALID_INPUT", "recipient: 0477700056 has no e-Box"))

    result = run("publish", "--to", "0477700056", "--subject", "Avis", "--body", "x", *SENDER)

    assert result.exit_code == 1
    assert "INVALID_INPUT" in result.stderr and "recipient: 0477700056 has no e-Box" in result.stderr
    assert "HTTP 400" in result.stderr
    assert result.stdout == "" and "Traceback" not in result.output


def test_a_duplicate_publication_names_the_message_already_published(run: Run, api: FakeApi):
    status, body = status_message(409, "DUPLICATE_PUBLICATION", "already published with this Idempotency-Key")
    api.answer("POST", PUBLISH, status, {**body, "messageId": "0196-earlier"})

    result = run("publish", "--to", "0852093431", "--subject", "Avis", "--body", "x", "--idempotency-key", "k",
                 *SENDER)

    assert result.exit_code == 1
    assert "DUPLICATE_PUBLICATION" in result.stderr and "messageId: 0196-earlier" in result.stderr


def test_a_wrong_secret_shows_the_oauth_error(run: Run, api: FakeApi):
    result = run("inbox", "--client-id", "ent-0852093431", "--client-secret", "wrong")

    assert result.exit_code == 1
    assert "invalid_client" in result.stderr and "unknown client or wrong secret" in result.stderr
    assert api.calls("GET", "/messageRegistry") == []


def test_an_unknown_message_is_not_found(run: Run, api: FakeApi, tmp_path: Path):
    result = run("read", "0196-missing", "--save-dir", str(tmp_path), *CLERK)

    assert result.exit_code == 1
    assert "NOT_FOUND" in result.stderr and "0196-missing" in result.stderr


def test_an_answer_that_is_not_json_is_reported_by_its_status(run: Run, api: FakeApi):
    api.answer("GET", "/messageRegistry/v2/ebox/messages", 502, b"<html><body>Bad Gateway</body></html>")

    result = run("inbox", *CLERK)

    assert result.exit_code == 1
    assert "HTTP_502" in result.stderr and "Bad Gateway" in result.stderr


def test_a_success_that_breaks_the_contract_is_reported_not_raised(run: Run, api: FakeApi):
    api.answer("POST", PUBLISH, 201, {"unexpected": True})

    result = run("publish", "--to", "0852093431", "--subject", "Avis", "--body", "x", *SENDER)

    assert result.exit_code == 1
    assert "UNEXPECTED_ANSWER" in result.stderr and "messageId" in result.stderr


def test_connection_refused_names_the_url_and_suggests_make_run(closed_port_url: str):
    from ebox_cli.commands import app

    result = CliRunner().invoke(app, ["inbox", "--api", closed_port_url, *CLERK])

    assert result.exit_code == 1
    assert f"not reachable at {closed_port_url}" in result.stderr
    assert "make run" in result.stderr
    assert "Traceback" not in result.output


def test_missing_credentials_are_a_usage_error(run: Run, api: FakeApi):
    result = run("inbox")

    assert result.exit_code == 2
    assert "--client-id" in result.output and "EBOX_CLIENT_ID" in result.output
    assert api.requests == []


def test_credentials_come_from_the_environment(run: Run, api: FakeApi, monkeypatch):
    monkeypatch.setenv("EBOX_CLIENT_ID", "ent-0852093431")
    monkeypatch.setenv("EBOX_CLIENT_SECRET", "demo-secret")

    result = run("inbox")

    assert result.exit_code == 0, result.output
    assert "0 messages, 0 unread" in result.stdout


def test_the_api_url_comes_from_the_environment_and_must_be_http(api: FakeApi, monkeypatch):
    from ebox_cli.commands import app

    monkeypatch.setenv("EBOX_API_URL", api.base_url)
    assert CliRunner().invoke(app, ["token", *CLERK]).stdout.strip() == "tok-ent-0852093431"

    monkeypatch.setenv("EBOX_API_URL", "127.0.0.1:8000")
    result = CliRunner().invoke(app, ["token", *CLERK])
    assert result.exit_code == 2 and "not an http(s) URL" in result.output


def test_an_unknown_language_is_a_usage_error(run: Run, api: FakeApi):
    result = run("inbox", "--lang", "en", *CLERK)

    assert result.exit_code == 2 and "fr, nl, de" in result.output


def test_verifying_a_qualified_message_s_withheld_records_says_to_accept_it_first(run: Run, tmp_path: Path):
    saved = tmp_path / "evidences.json"
    saved.write_text('{"items": [{"sequence": 1, "event": "SubmissionAcceptance", "contentWithheld": true}], '
                     '"totalItems": 1, "contentWithheld": true}')

    result = run("evidence", "verify", str(saved), "--jwks", str(saved))

    assert result.exit_code == 1 and "withheld until you accept it" in result.stderr
    assert "Traceback" not in result.output
