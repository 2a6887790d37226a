"""`ebox reply`, `ebox action done`, `ebox inbox --for-action/--overdue` and `ebox publish`'s reply and
action options: what the CLI sends the API, and what it shows."""

from __future__ import annotations

import json

from tests.cli.conftest import CLERK, SENDER, Run
from tests.cli.fake_api import FakeApi, b64url_sha256

ORIGINAL = "0196a1b2-0000-7000-8000-000000000001"
REPLIES = f"/messageRegistry/v3/ebox/messages/{ORIGINAL}/replies"


def test_reply_sends_the_content_and_its_digests(run: Run, api: FakeApi, tmp_path):
    api.add_message(ORIGINAL, subject={"fr": "Demande de documents"}).view["replyAuthorized"] = True
    document = tmp_path / "bilan.pdf"
    document.write_bytes(b"%PDF-1.7 bilan")
    result = run("reply", ORIGINAL, "--subject", "Nos documents", "--body", "Ci-joint.", str(document), *CLERK,
                 "--idempotency-key", "k-1")
    assert result.exit_code == 0, result.output
    assert "replied: 0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b" in result.stdout
    (sent,) = api.calls("POST", REPLIES)
    meta = json.loads(next(p for p in sent.parts if p.name == "messageToPublish").data)
    assert meta == {"subject": {"fr": "Nos documents"}, "bodyContent": {"fr": "Ci-joint."}, "isBodyMainContent": False,
                    "attachments": [{"httpPartName": "upfile1", "isMainContent": True,
                                     "attachmentTitle": {"fr": "bilan"},
                                     "digest": {"digestMethod": "sha_256",
                                                "digestValue": b64url_sha256(b"%PDF-1.7 bilan")}}]}
    assert sent.headers["Idempotency-Key"] == "k-1"


def test_a_reply_without_a_file_has_its_body_as_main_content(run: Run, api: FakeApi):
    api.add_message(ORIGINAL, subject={"fr": "Question"}).view["replyAuthorized"] = True
    assert run("reply", ORIGINAL, "--subject", "Réponse", "--body", "Oui.", *CLERK).exit_code == 0
    (sent,) = api.calls("POST", REPLIES)
    meta = json.loads(sent.parts[0].data)
    assert meta["isBodyMainContent"] is True and meta["attachments"] == []


def test_a_refused_reply_is_one_clear_line(run: Run, api: FakeApi):
    api.add_message(ORIGINAL, subject={"fr": "Avis"})
    result = run("reply", ORIGINAL, "--subject", "Réponse", "--body", "Non.", *CLERK)
    assert result.exit_code == 1 and "REPLY_NOT_AUTHORIZED" in result.output and "Traceback" not in result.output
    assert run("reply", ORIGINAL, "--subject", "Réponse", *CLERK).exit_code == 2  # nothing to send


def test_action_done_marks_it_and_says_so(run: Run, api: FakeApi):
    api.add_message(ORIGINAL, subject={"fr": "Facture"}).view["action"] = {
        "kind": "PAYMENT", "dueDate": "2026-03-31", "status": "TODO", "overdue": False}
    result = run("action", "done", ORIGINAL, *CLERK)
    assert result.exit_code == 0, result.output
    assert "PAYMENT due 2026-03-31: DONE 2026-03-02 10:00" in result.stdout
    (sent,) = api.calls("PUT", f"/messageRegistry/v3/ebox/messages/{ORIGINAL}/action")
    assert json.loads(sent.body) == {"status": "DONE"}
    missing = run("action", "done", "0196a1b2-0000-7000-8000-00000000ffff", *CLERK)
    assert missing.exit_code == 1 and "NOT_FOUND" in missing.output


def test_inbox_for_action_and_overdue_become_the_apis_query(run: Run, api: FakeApi):
    api.add_message(ORIGINAL, subject={"fr": "Facture"}).view["action"] = {
        "kind": "PAYMENT", "dueDate": "2026-02-28", "status": "TODO", "overdue": True}
    result = run("inbox", "--overdue", *CLERK)
    assert result.exit_code == 0, result.output
    assert "PAYMENT due 2026-02-28: TODO (overdue)" in result.stdout
    assert run("inbox", "--for-action", *CLERK).exit_code == 0
    overdue, for_action = api.calls("GET", "/messageRegistry/v2/ebox/messages")
    assert overdue.query["forAction"] == ["true"] and overdue.query["overdue"] == ["true"]
    assert for_action.query["forAction"] == ["true"] and "overdue" not in for_action.query


def test_publish_asks_for_replies_an_action_and_a_department(run: Run, api: FakeApi):
    result = run("publish", "--to", "0852093431", "--subject", "Facture", "--body", "À payer.", "--allow-replies",
                 "--from-partition", "COLLECTION", "--action", "payment", "--due", "2027-01-31",
                 "--action-link", "https://pay.example/42", *SENDER)
    assert result.exit_code == 0, result.output
    (sent,) = api.calls("POST", "/messageRegistry/v3/ebox/messages")
    meta = json.loads(sent.parts[0].data)
    assert meta["isReplyAuthorized"] is True and meta["sender"]["partition"] == "COLLECTION"
    assert meta["action"] == {"kind": "PAYMENT", "dueDate": "2027-01-31", "link": "https://pay.example/42"}
    lonely = run("publish", "--to", "0852093431", "--subject", "x", "--body", "y", "--action", "PAYMENT", *SENDER)
    assert lonely.exit_code == 2


def test_read_shows_the_action_and_the_conversation(run: Run, api: FakeApi, tmp_path):
    stored = api.add_message(ORIGINAL, subject={"fr": "Facture"}, body={"fr": "À payer"})
    stored.view.update(replyAuthorized=True, originalMessageId="0196a1b2-0000-7000-8000-000000000000",
                       action={"kind": "PAYMENT", "dueDate": "2027-01-31", "status": "TODO", "overdue": False,
                               "link": "https://pay.example/42"},
                       replies={"items": [{"messageId": "0196a1b2-0000-7000-8000-0000000000aa"}], "totalItems": 1})
    result = run("read", ORIGINAL, "--save-dir", str(tmp_path), *CLERK)
    assert result.exit_code == 0, result.output
    for expected in ("for action: PAYMENT due 2027-01-31: TODO — https://pay.example/42",
                     "in reply to 0196a1b2-0000-7000-8000-000000000000", f"ebox reply {ORIGINAL}",
                     "replied: 0196a1b2-0000-7000-8000-0000000000aa"):
        assert expected in result.stdout


def test_inbox_replies_to_becomes_the_apis_query(run: Run, api: FakeApi):
    assert run("inbox", "--replies-to", ORIGINAL, *CLERK).exit_code == 0
    (listing,) = api.calls("GET", "/messageRegistry/v2/ebox/messages")
    assert listing.query["originalMessageId"] == [ORIGINAL]
