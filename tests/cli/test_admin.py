"""`ebox admin …` and `ebox callbacks …` against a small fake of their API (served over real HTTP): what
the commands send (the terms accepted, a CSV turned into the import's JSON, an endpoint's events) and what
they show (the secret, once; a failed delivery's last error)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

OPERATOR = ["--client-id", "ops-admin", "--client-secret", "demo-secret"]
TERMS = {"version": "2026-11", "sha256": "abc", "text": "The terms."}
REQUEST = {"requestId": "r1", "organizationId": "0207436874", "status": "PENDING", "submittedAt": "t",
           "applications": [{"applicationId": "namur-taxes"}]}


@pytest.fixture
def server() -> Iterator[tuple[str, list[tuple[str, str, Any]]]]:
    seen: list[tuple[str, str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw and self.headers.get("Content-Type", "").startswith("application/json") \
                else raw.decode()
            seen.append((self.command, self.path, body))
            path = self.path.split("?")[0]
            answers: dict[str, Any] = {
                "/oauth/token": {"access_token": "t", "token_type": "Bearer", "expires_in": 60, "scope": ""},
                "/admin/v1/terms": TERMS,
                "/admin/v1/sender-requests": REQUEST if self.command == "POST" else {"items": [REQUEST],
                                                                                       "totalItems": 1},
                "/admin/v1/sender-requests/r1/approve": {**REQUEST, "status": "APPROVED", "clientId": "sender-x",
                                                         "clientSecret": "s3cret", "bulkDropPrefix": "0207436874/"},
                "/admin/v1/registry/import": {"imported": {"messageTypes": 1}},
                "/admin/v1/statistics/backfill": {"phase": "done", "startedAt": "t", "removed": 12, "messages": 40,
                                                  "pages": 4, "done": True},
                "/admin/v1/messages/index-backfill": (
                    {"updated": 3, "done": False, "resume": "k1"} if isinstance(body, dict) and "resume" not in body
                    else {"updated": 2, "done": True, "resume": None}),
                "/admin/v1/callback-keys/rotate": {"items": [
                    {"kid": "cb-20261130-new", "status": "ACTIVE", "signing": True, "createdAt": "2026-11-30"},
                    {"kid": "kms-old", "status": "RETIRING", "signing": False, "retiresAt": "2026-12-07"}],
                    "publishedKids": ["cb-20261130-new", "kms-old"]},
                "/messageRegistry/v3/callbacks/demo-app": {"applicationId": "demo-app", "status": "VERIFIED",
                                                           "url": "https://s.example/h", "events": ["message.read"]},
                "/messageRegistry/v3/callbacks/deliveries": {"items": [{"deliveryId": "e1.demo-app",
                                                                        "status": "FAILED", "attempts": 31,
                                                                        "lastError": "HTTP 503"}]},
            }
            answer = json.dumps(answers.get(path, {})).encode()
            self.send_response(200 if path in answers else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        do_GET = do_POST = do_PUT = _handle  # noqa: N815 - http.server's names

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def run(url: str, *args: str, group: str = "admin"):
    from ebox_cli.commands import app

    return CliRunner().invoke(app, [group, *args, "--api", url])


def test_a_request_accepts_the_current_terms(server, tmp_path: Path):
    url, seen = server
    file = tmp_path / "request.json"
    file.write_text(json.dumps({"organization": {"enterpriseNumber": "0207436874"}}))
    result = run(url, "request", str(file), "--accept-terms")
    assert result.exit_code == 0, result.output
    assert "PENDING" in result.output
    [(_, _, sent)] = [s for s in seen if s[:2] == ("POST", "/admin/v1/sender-requests")]
    assert sent["termsOfUse"] == {"version": "2026-11", "sha256": "abc", "accepted": True}


def test_the_operator_lists_and_approves_and_the_secret_is_shown(server):
    url, _ = server
    listed = run(url, "list", "--status", "PENDING", *OPERATOR)
    assert listed.exit_code == 0 and "namur-taxes" in listed.output
    approved = run(url, "approve", "r1", *OPERATOR)
    assert approved.exit_code == 0, approved.output
    assert "s3cret" in approved.output and "shown only now" in approved.output and "0207436874/" in approved.output


def test_the_operator_approves_with_an_external_idp_s_client_id(server):
    url, seen = server
    approved = run(url, "approve", "r1", "--external-client-id", "4p5kqnb2gm9h1e0example", *OPERATOR)
    assert approved.exit_code == 0, approved.output
    [(_, _, sent)] = [s for s in seen if s[1] == "/admin/v1/sender-requests/r1/approve"]
    assert sent == {"externalClientId": "4p5kqnb2gm9h1e0example"}


def test_the_operator_rotates_the_callback_key_with_a_grace_period(server):
    url, seen = server
    rotated = run(url, "rotate-callback-key", "--grace-days", "3", *OPERATOR)
    assert rotated.exit_code == 0, rotated.output
    assert "cb-20261130-new" in rotated.output and "RETIRING" in rotated.output and "2026-12-07" in rotated.output
    assert seen[-1] == ("POST", "/admin/v1/callback-keys/rotate", {"graceDays": 3})
    assert run(url, "rotate-callback-key", "--grace-days", "365", *OPERATOR).exit_code == 2


def test_the_operator_rebuilds_the_statistics_until_done(server):
    url, seen = server
    result = run(url, "stats-backfill", "--restart", "--pages", "5", *OPERATOR)
    assert result.exit_code == 0, result.output
    assert "40 messages replayed" in result.output
    assert seen[-1] == ("POST", "/admin/v1/statistics/backfill", {"restart": True, "pages": 5})


def test_the_operator_backfills_the_index_keys_step_by_step_until_done(server):
    url, seen = server
    result = run(url, "index-backfill", "--items", "500", *OPERATOR)
    assert result.exit_code == 0, result.output
    assert "5 messages updated" in result.output
    steps = [body for method, path, body in seen if path == "/admin/v1/messages/index-backfill"]
    assert steps == [{"items": 500}, {"items": 500, "resume": "k1"}]


def test_a_csv_registry_file_is_imported_as_json(server, tmp_path: Path):
    url, seen = server
    file = tmp_path / "registry.csv"
    file.write_text("organizationId,organizationName_fr,applicationId,applicationName_fr,messageTypeId,"
                    "messageTypeName_fr,validityNumber,validityUnit,audience,levels,businessDataKeys\n"
                    "0207436874,Namur,taxes,Taxes,tax,Avis,1,year,both,simple,\n")
    result = run(url, "import", str(file), *OPERATOR)
    assert result.exit_code == 0, result.output
    [(_, _, sent)] = [s for s in seen if s[1] == "/admin/v1/registry/import"]
    assert sent["messageTypes"][0]["messageTypeId"] == "tax"
    assert sent["senderOrganizations"][0]["applications"][0]["messageTypeIds"] == ["tax"]


def test_the_operator_s_commands_need_credentials(server):
    url, _ = server
    assert run(url, "list").exit_code == 2


SENDER = ["--client-id", "demo-sender", "--client-secret", "demo-sender-secret"]


def test_a_sender_registers_an_endpoint_and_sees_its_failed_deliveries(server):
    url, seen = server
    result = run(url, "set", "demo-app", "--url", "https://s.example/h", "--event", "message.read", *SENDER,
                 group="callbacks")
    assert result.exit_code == 0 and "VERIFIED" in result.output, result.output
    [(_, _, sent)] = [s for s in seen if s[0] == "PUT"]
    assert sent == {"url": "https://s.example/h", "events": ["message.read"]}
    failed = run(url, "deliveries", "--failed", *SENDER, group="callbacks")
    assert failed.exit_code == 0 and "HTTP 503" in failed.output
    assert seen[-1][1] == "/messageRegistry/v3/callbacks/deliveries?status=FAILED"
    assert run(url, "set", "demo-app", "--url", "https://s.example/h", "--event", "message.deleted", *SENDER,
               group="callbacks").exit_code == 2
