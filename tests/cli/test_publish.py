"""`ebox publish`: the multipart request the API expects, and what the person is told."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import SENDER, Run
from tests.cli.fake_api import FakeApi, b64url_sha256

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CSV = b"invoice;amount\n2026-001;120.00\n"


def test_publish_sends_documents_linked_by_part_name_with_their_digests(run: Run, api: FakeApi, tmp_path: Path):
    notice, annex = tmp_path / "avis-2026.pdf", tmp_path / "annexe.csv"
    notice.write_bytes(PDF)
    annex.write_bytes(CSV)

    result = run("publish", "--to", "0852093431", "--subject", "Avis de paiement", "--body", "Voir l'avis.",
                 "--idempotency-key", "run-42", str(notice), str(annex), *SENDER)

    assert result.exit_code == 0, result.output
    assert "0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b" in result.stdout
    assert "2027-03-01" in result.stdout
    (call,) = api.calls("POST", "/messageRegistry/v3/ebox/messages")
    assert call.headers["Authorization"] == "Bearer tok-demo-sender"
    assert call.headers["Idempotency-Key"] == "run-42"
    assert call.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    parts = {part.name: part for part in call.parts}
    assert list(parts) == ["messageToPublish", "upfile1", "upfile2"]
    assert parts["messageToPublish"].content_type == "application/json"
    assert (parts["upfile1"].file_name, parts["upfile1"].content_type, parts["upfile1"].data) == (
        "avis-2026.pdf", "application/pdf", PDF)
    assert (parts["upfile2"].file_name, parts["upfile2"].content_type, parts["upfile2"].data) == (
        "annexe.csv", "text/csv", CSV)

    meta = json.loads(parts["messageToPublish"].data)
    assert meta["sender"] == {"eboxType": "enterprise", "enterpriseNumber": "0406798006"}
    assert meta["recipient"] == {"eboxType": "enterprise", "enterpriseNumber": "0852093431"}
    assert (meta["senderApplicationId"], meta["messageTypeId"]) == ("demo-app", "demo-notice")
    assert meta["subject"] == {"fr": "Avis de paiement"}
    assert meta["bodyContent"] == {"fr": "Voir l'avis."}
    assert meta["isBodyMainContent"] is False
    attachments = meta["attachments"]
    assert [a["httpPartName"] for a in attachments] == ["upfile1", "upfile2"]
    assert [a["isMainContent"] for a in attachments] == [True, False]
    assert attachments[0]["digest"] == {"digestMethod": "sha_256", "digestValue": b64url_sha256(PDF)}
    assert attachments[1]["digest"]["digestValue"] == b64url_sha256(CSV)
    assert all("=" not in a["digest"]["digestValue"] for a in attachments)
    assert attachments[0]["attachmentTitle"] == {"fr": "avis-2026"}


def test_a_body_alone_is_the_main_content_in_the_language_asked(run: Run, api: FakeApi):
    result = run("publish", "--to", "0852093431", "--subject", "Herinnering", "--body", "Zie hieronder.",
                 "--subject-lang", "nl", "--type", "reminder", "--app", "billing", "--sender", "0403019261",
                 *SENDER)

    assert result.exit_code == 0, result.output
    (call,) = api.calls("POST", "/messageRegistry/v3/ebox/messages")
    assert [part.name for part in call.parts] == ["messageToPublish"]
    meta = json.loads(call.parts[0].data)
    assert meta["subject"] == {"nl": "Herinnering"} and meta["bodyContent"] == {"nl": "Zie hieronder."}
    assert meta["isBodyMainContent"] is True and meta["attachments"] == []
    assert (meta["messageTypeId"], meta["senderApplicationId"]) == ("reminder", "billing")
    assert meta["sender"]["enterpriseNumber"] == "0403019261"
    assert "Idempotency-Key" not in call.headers


def test_the_sender_comes_from_the_environment_and_json_prints_the_raw_answer(run: Run, api: FakeApi,
                                                                              monkeypatch, tmp_path: Path):
    monkeypatch.setenv("EBOX_SENDER_ORG", "0403019261")
    monkeypatch.setenv("EBOX_CLIENT_ID", "demo-sender")
    monkeypatch.setenv("EBOX_CLIENT_SECRET", "demo-sender-secret")
    api.publish_code = "NO_DIGITAL_USER"
    document = tmp_path / "avis.pdf"
    document.write_bytes(PDF)

    result = run("publish", "--to", "0852093431", "--subject", "Avis", str(document), "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"messageId": "0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
                                         "expirationDate": "2027-03-01T09:30:00Z", "code": "NO_DIGITAL_USER"}
    meta = json.loads(api.calls("POST", "/messageRegistry/v3")[0].parts[0].data)
    assert meta["sender"]["enterpriseNumber"] == "0403019261"


def test_no_digital_user_is_explained(run: Run, api: FakeApi):
    api.publish_code = "NO_DIGITAL_USER"

    result = run("publish", "--to", "0852093431", "--subject", "Avis", "--body", "Texte", *SENDER)

    assert result.exit_code == 0, result.output
    assert "NO_DIGITAL_USER" in result.stdout and "paper" in result.stdout


def test_publishing_nothing_is_a_usage_error(run: Run, api: FakeApi):
    result = run("publish", "--to", "0852093431", "--subject", "Avis", *SENDER)

    assert result.exit_code == 2
    assert "--body" in result.output
    assert api.requests == []


def test_a_missing_file_is_a_usage_error(run: Run, api: FakeApi, tmp_path: Path):
    result = run("publish", "--to", "0852093431", "--subject", "Avis", str(tmp_path / "nowhere.pdf"), *SENDER)

    assert result.exit_code == 2
    assert "nowhere.pdf" in result.output
    assert api.requests == []


def test_publish_to_a_citizen_by_ssin(run: Run, api: FakeApi, tmp_path: Path):
    notice = tmp_path / "avis.pdf"
    notice.write_bytes(PDF)
    result = run("publish", "--to", "85.07.30-033.28", "--subject", "Avis", str(notice), *SENDER)
    assert result.exit_code == 0, result.output
    (call,) = api.calls("POST", "/messageRegistry/v3/ebox/messages")
    meta = json.loads({part.name: part for part in call.parts}["messageToPublish"].data)
    assert meta["recipient"] == {"eboxType": "citizen", "ssin": "85073003328"}
