"""Qualified registered mail in consent mode, route by route: before the recipient accepts it they see its
sender, subject, dates and level and nothing of its content (body, documents and their names or titles,
business data, bytes), however they ask; once accepted, all of it; once refused, never."""

from __future__ import annotations

import json

import pytest

from tests.apigw import PDF, multipart, part
from tests.fakes import b64url_sha256, message_json
from tests.integration.test_downloads_api import ask, builder, package, run_jobs  # noqa: F401 - fixture
from tests.integration.test_notifications import deliver
from tests.integration.test_qualified_delivery import answer, awaiting, events_of
from tests.waiting import eventually

EBOX = "/messageRegistry/v2/ebox"
# Each withheld field carries its own word, so that a leak names the field it came from.
SECRETS = {"body": "zanzibarbody", "business": "quokkabusiness", "title": "ocelottitle", "attention": "yakattention"}
SUBJECT_WORD = "cotisation"


def qualified_publication(**overrides):
    meta = message_json(
        registeredMailType="qualified",
        subject={"fr": f"Avis de {SUBJECT_WORD}"},
        bodyContent={"fr": f"Montant dû {SECRETS['body']} 1234 EUR"},
        businessDataList=[{"key": "dossier", "values": [{"fr": SECRETS["business"]}]}],
        forTheAttentionOf={"name": SECRETS["attention"]},
        attachments=[{"httpPartName": "upfile1", "isMainContent": True, "attachmentTitle": {"fr": SECRETS["title"]},
                      "digest": {"digestMethod": "sha_256", "digestValue": b64url_sha256(PDF)}}],
        **overrides)
    return multipart(part("upfile1", PDF, filename="avis.pdf", content_type="application/pdf"),
                     part("messageToPublish", json.dumps(meta).encode(), content_type="application/json"))


@pytest.fixture
def sealed(api, sender_token):
    result = api.publish(sender_token, qualified_publication())
    assert result.status == 201, result.body
    return result.json()["messageId"]


def leaks(text: str | bytes) -> list[str]:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return [name for name, word in SECRETS.items() if word in text] + (["fileName"] if "avis.pdf" in text else [])


def search(api, token, q):
    return [m["messageId"] for m in api.get(token, f"{EBOX}/messages", {"q": q}).json()["items"]]


def test_the_message_and_the_list_show_sender_subject_dates_and_level_only(api, enterprise_token, sealed):
    message = api.get(enterprise_token, f"{EBOX}/messages/{sealed}").json()
    assert message["subject"]["fr"].endswith(SUBJECT_WORD) and message["senderOrganizationId"]
    assert message["registeredMailType"] == "qualified" and message["contentWithheld"] is True
    assert leaks(json.dumps(message)) == []
    listed = api.get(enterprise_token, f"{EBOX}/messages").json()
    assert sealed in json.dumps(listed) and leaks(json.dumps(listed)) == []


def test_search_matches_only_what_the_recipient_already_sees(api, enterprise_token, sealed):
    assert sealed in search(api, enterprise_token, SUBJECT_WORD)
    for word in SECRETS.values():
        assert sealed not in search(api, enterprise_token, word), word
    assert sealed not in search(api, enterprise_token, SECRETS["body"][:4])  # no guessing letter by letter


def test_documents_their_names_and_bytes_are_refused(api, stack, enterprise_token, sealed):
    [stored] = stack.services.index.get("0852093431", sealed).attachments
    described = api.get(enterprise_token, f"{EBOX}/messages/{sealed}/attachments/{stored.attachment_id}")
    assert described.status == 403 and described.json()["code"] == "ACCEPTANCE_REQUIRED"
    assert leaks(described.body) == []
    content = api.get(enterprise_token, f"{EBOX}/messages/{sealed}/attachments/{stored.attachment_id}/content")
    assert content.status == 403 and leaks(content.body) == []
    assert api.get(enterprise_token, f"{EBOX}/messages/{sealed}/attachments").json()["items"] == []
    assert api.get(enterprise_token, f"{EBOX}/messages/{sealed}/body").json()["code"] == "ACCEPTANCE_REQUIRED"


def test_evidence_shows_the_recipient_events_not_the_records_naming_the_documents(
        api, sender_token, enterprise_token, sealed):
    answer = api.get(enterprise_token, f"/messageRegistry/v3/ebox/messages/{sealed}/evidences").json()
    mine = answer["items"]
    assert [i["event"] for i in mine][:2] == ["SubmissionAcceptance", "ContentConsignment"]
    assert all("jws" not in i and i["contentWithheld"] for i in mine)
    assert "head" not in answer and answer["contentWithheld"] is True  # the signed head hashes the records too
    senders = api.get(sender_token, f"/messageRegistry/v3/ebox/messages/{sealed}/evidences").json()
    assert all(i["jws"] for i in senders["items"]) and senders["head"]  # the sender keeps its proofs


def test_a_download_package_holds_nothing_withheld(stack, api, enterprise_token, builder, sealed):  # noqa: F811
    job = ask(api, enterprise_token, {"messageIds": [sealed]}).json()
    run_jobs(stack, builder, api, enterprise_token, job["downloadId"])
    _, archive = package(stack, api, enterprise_token, job["downloadId"])
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert leaks(everything) == [] and not [n for n in archive.namelist() if "/documents/" in n]


def test_the_notification_e_mail_names_no_content(api, stack, handlers, sender_token):
    result = api.publish(sender_token, qualified_publication())
    deliver(stack, handlers)
    [mail] = stack.sent_mail()
    assert result.json()["messageId"] in mail["body"] and leaks(mail["body"] + mail["subject"]) == []


def test_a_reply_is_refused_before_acceptance(api, sender_token, enterprise_token):
    message_id = api.publish(sender_token, qualified_publication(isReplyAuthorized=True)).json()["messageId"]
    reply = multipart(part("messageToPublish", json.dumps(
        {"subject": {"fr": "Re"}, "bodyContent": {"fr": "ok"}, "isBodyMainContent": True}).encode(),
        content_type="application/json"))
    result = api.call("POST", f"/messageRegistry/v3/ebox/messages/{message_id}/replies", body=reply, headers={
        "Authorization": f"Bearer {enterprise_token}", "Content-Type": "multipart/form-data; boundary="
        "ebox-test-boundary-7MA4YWxkTrZu0gW"})
    assert result.status == 403 and result.json()["code"] == "ACCEPTANCE_REQUIRED"


def test_after_acceptance_everything_appears_and_is_found(api, sender_token, enterprise_token, sealed):
    assert awaiting(api, enterprise_token, sealed)
    assert answer(api, enterprise_token, sealed, True).status == 202
    assert eventually(lambda: "AcceptanceByRecipient" in events_of(api, sender_token, sealed))
    message = api.get(enterprise_token, f"{EBOX}/messages/{sealed}").json()
    assert "contentWithheld" not in message
    assert set(leaks(json.dumps(message))) >= {"business", "title", "attention", "fileName"}
    assert sealed in search(api, enterprise_token, SECRETS["body"])
    assert sealed in search(api, enterprise_token, SECRETS["business"])
    evidence = api.get(enterprise_token, f"/messageRegistry/v3/ebox/messages/{sealed}/evidences").json()
    assert all(i["jws"] for i in evidence["items"]) and evidence["head"] and "contentWithheld" not in evidence


def test_after_refusal_nothing_ever_appears(api, sender_token, enterprise_token, sealed):
    assert awaiting(api, enterprise_token, sealed)
    assert answer(api, enterprise_token, sealed, False).status == 202
    assert eventually(lambda: "RejectionByRecipient" in events_of(api, sender_token, sealed))
    message = api.get(enterprise_token, f"{EBOX}/messages/{sealed}").json()
    assert message["deliveryState"] == "refused" and leaks(json.dumps(message)) == []
    assert sealed not in search(api, enterprise_token, SECRETS["body"])
    assert api.get(enterprise_token, f"{EBOX}/messages/{sealed}/body").status == 403
