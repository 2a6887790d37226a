"""Replies on moto: the recipient answers a message that allows it; the reply lands in the sender
organisation's e-Box (the partition the original came from) and is consulted like any message. Anyone
who may not see the original gets 404, as for a message that does not exist."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.apigw import BOUNDARY, multipart, part, publication
from tests.fakes import OTHER, RECIPIENT, SENDER, b64url_sha256

EBOX = "/messageRegistry/v2/ebox"
UNKNOWN = "0192f3a4-0000-7000-8000-000000000000"
REPLY_PDF = b"%PDF-1.7\nour answer\n%%EOF\n"


def reply_body(pdf: bytes | None = REPLY_PDF, *, digest: str | None = None, **overrides: Any) -> bytes:
    meta: dict[str, Any] = {"subject": {"fr": "Réponse"}, "bodyContent": {"fr": "Voici le document demandé."}}
    if pdf is None:
        meta["isBodyMainContent"] = True
    else:
        meta["attachments"] = [{"httpPartName": "upfile1", "isMainContent": True,
                                "digest": {"digestMethod": "sha_256", "digestValue": digest or b64url_sha256(pdf)}}]
    meta.update(overrides)
    parts = [part("messageToPublish", json.dumps(meta).encode(), content_type="application/json")]
    if pdf is not None:
        parts.append(part("upfile1", pdf, filename="reponse.pdf", content_type="application/pdf"))
    return multipart(*parts)


def send_reply(api, token: str, message_id: str, body: bytes | None = None, *, key: str | None = None):
    headers = {"Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    if key:
        headers["Idempotency-Key"] = key
    return api.call("POST", f"/messageRegistry/v3/ebox/messages/{message_id}/replies", headers=headers,
                    body=body if body is not None else reply_body())


@pytest.fixture
def onss(api) -> str:
    """The sender organisation's own e-Box client (demo data: ONSS has an e-Box, partition COLLECTION)."""
    return str(api.token("ent-0406798006", "demo-secret"))


@pytest.fixture
def publish(api, sender_token):
    def publish(**overrides: Any) -> str:
        answer = api.publish(sender_token, publication(**overrides))
        assert answer.status == 201, answer.body
        return str(answer.json()["messageId"])

    return publish


FROM_COLLECTION = {"sender": {"eboxType": "enterprise", "enterpriseNumber": SENDER, "partition": "COLLECTION"}}


def test_a_reply_lands_in_the_partition_the_original_came_from(api, publish, enterprise_token, onss):
    original = publish(isReplyAuthorized=True, **FROM_COLLECTION)
    answer = send_reply(api, enterprise_token, original)
    assert answer.status == 201, answer.body
    reply_id = answer.json()["messageId"]
    assert answer.json()["originalMessageId"] == original and answer.json()["expirationDate"]

    reply = api.get(onss, f"{EBOX}/messages/{reply_id}").json()
    assert reply["originalMessageId"] == original
    assert reply["partition"] == "COLLECTION"
    assert reply["senderOrganizationId"] == RECIPIENT and reply["senderApplicationId"] == "ebox-reply"
    assert reply["subject"] == {"fr": "Réponse"} and reply["replyAuthorized"] is True
    assert [m["messageId"] for m in api.get(onss, f"{EBOX}/messages").json()["items"]] == [reply_id]
    content = api.get(onss, reply["attachments"]["items"][0]["contentHref"])
    assert content.status == 200 and content.body == REPLY_PDF
    assert api.get(onss, f"{EBOX}/messages/{reply_id}/body").json() == {"fr": "Voici le document demandé."}

    view = api.get(enterprise_token, f"{EBOX}/messages/{original}").json()
    assert [r["messageId"] for r in view["replies"]["items"]] == [reply_id]
    evidences = api.get(onss, f"/messageRegistry/v3/ebox/messages/{reply_id}/evidences").json()["items"]
    assert [e["event"] for e in evidences] == ["SubmissionAcceptance", "ContentConsignment", "ContentHandover"]
    replier = api.get(enterprise_token, f"/messageRegistry/v3/ebox/messages/{reply_id}/evidences").json()["items"]
    signed = lambda items: [(e["sequence"], e["event"], e["jws"]) for e in items]  # noqa: E731
    # the replying enterprise's own client reads its reply's records, as a sender (the evidence archive may
    # have added a record's `archive` in between: it runs from the table's stream)
    assert signed(replier) == signed(evidences)


def test_nobody_else_reads_a_replys_evidence(api, publish, enterprise_token):
    original = publish(isReplyAuthorized=True)
    reply_id = send_reply(api, enterprise_token, original).json()["messageId"]
    path = f"/messageRegistry/v3/ebox/messages/{reply_id}/evidences"
    anna = api.token("user-anna", "demo-secret")  # a person of the replier: the reply is not in her e-Box
    for token in (api.token(f"ent-{OTHER}", "demo-secret"), anna):
        assert api.get(token, path).status == 404


def test_without_a_sender_partition_the_organisations_routing_places_the_reply(api, publish, enterprise_token, onss):
    original = publish(isReplyAuthorized=True)
    reply_id = send_reply(api, enterprise_token, original).json()["messageId"]
    assert api.get(onss, f"{EBOX}/messages/{reply_id}").json()["partition"] == "GENERAL"


def test_a_message_that_does_not_allow_replies_answers_403_and_nothing_is_sent(api, publish, enterprise_token,
                                                                             onss):
    original = publish()
    refused = send_reply(api, enterprise_token, original)
    assert refused.status == 403 and refused.json()["code"] == "REPLY_NOT_AUTHORIZED"
    assert api.get(onss, f"{EBOX}/messages").json()["totalItems"] == 0
    assert "replies" not in api.get(enterprise_token, f"{EBOX}/messages/{original}").json()


def test_another_enterprise_cannot_reply_not_even_learn_the_message_exists(api, publish, onss):
    original = publish(isReplyAuthorized=True)
    stranger = api.token(f"ent-{OTHER}", "demo-secret")
    hidden, missing = send_reply(api, stranger, original), send_reply(api, stranger, UNKNOWN)
    assert hidden.status == missing.status == 404
    assert hidden.json()["code"] == missing.json()["code"] == "NOT_FOUND"
    assert hidden.json()["message"].replace(original, "X") == missing.json()["message"].replace(UNKNOWN, "X")
    assert api.get(onss, f"{EBOX}/messages").json()["totalItems"] == 0


def test_a_person_replies_only_to_messages_of_their_partitions(api, publish, onss):
    general = publish(isReplyAuthorized=True)  # GENERAL: Anna has rights on it, Bruno does not
    bruno, anna = api.token("user-bruno", "demo-secret"), api.token("user-anna", "demo-secret")
    hidden = send_reply(api, bruno, general)
    assert hidden.status == 404 and hidden.json()["code"] == "NOT_FOUND"
    assert api.get(onss, f"{EBOX}/messages").json()["totalItems"] == 0
    assert send_reply(api, anna, general).status == 201


def test_the_organisation_replies_back_into_the_partition_of_the_original(api, publish, enterprise_token, onss):
    original = publish(isReplyAuthorized=True, messageTypeId="demo-tax", **FROM_COLLECTION)  # → ACCOUNTING
    first = send_reply(api, enterprise_token, original).json()["messageId"]
    back = send_reply(api, onss, first, reply_body(None, subject={"fr": "Bien reçu, merci"}))
    assert back.status == 201, back.body
    back_id = back.json()["messageId"]
    bruno = api.token("user-bruno", "demo-secret")  # ACCOUNTING only: the conversation stays in his partition
    answer = api.get(bruno, f"{EBOX}/messages/{back_id}").json()
    assert answer["originalMessageId"] == first and answer["partition"] == "ACCOUNTING"
    assert answer["senderOrganizationId"] == SENDER and answer["senderPartition"] == "COLLECTION"
    assert [r["messageId"] for r in api.get(onss, f"{EBOX}/messages/{first}").json()["replies"]["items"]] == [
        back_id]


def test_a_repeated_reply_is_sent_once(api, publish, enterprise_token, onss):
    original = publish(isReplyAuthorized=True)
    first = send_reply(api, enterprise_token, original, key="reply-1")
    again = send_reply(api, enterprise_token, original, key="reply-1")
    assert first.status == 201 and again.status == 409
    assert again.json()["code"] == "DUPLICATE_PUBLICATION" and again.json()["messageId"] == first.json()["messageId"]
    other = send_reply(api, enterprise_token, original, reply_body(b"%PDF-1.7 other"), key="reply-1")
    assert other.status == 422 and other.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert api.get(onss, f"{EBOX}/messages").json()["totalItems"] == 1


@pytest.mark.parametrize(("body", "status", "code"), [
    (reply_body(digest="A" * 43), 400, "DIGEST_DO_NOT_MATCH"),
    (reply_body(subject={"es": "Respuesta"}), 400, "INVALID_INPUT"),
    (reply_body(None, isBodyMainContent=False), 400, "INVALID_INPUT"),
    (multipart(part("messageToPublish", b"{not json", content_type="application/json")), 400, "INVALID_INPUT"),
])
def test_a_bad_reply_is_refused_and_leaves_nothing(api, publish, enterprise_token, onss, stack, body, status, code):
    original = publish(isReplyAuthorized=True)
    refused = send_reply(api, enterprise_token, original, body)
    assert (refused.status, refused.json()["code"]) == (status, code)
    assert api.get(onss, f"{EBOX}/messages").json()["totalItems"] == 0
    staged = stack.s3.list_objects_v2(Bucket=stack.content_bucket, Prefix="staging/").get("Contents", [])
    assert [o["Key"] for o in staged if not o["Key"].startswith(f"staging/{original}")] == []


def test_a_sender_application_cannot_reply_in_an_enterprises_name(api, publish, sender_token):
    original = publish(isReplyAuthorized=True)
    assert send_reply(api, sender_token, original).status == 403


def test_the_replies_to_a_message_are_found_by_its_id_in_the_e_box_they_reached(api, publish, enterprise_token,
                                                                                  onss):
    original = publish(isReplyAuthorized=True, messageTypeId="demo-tax")  # → ACCOUNTING at Demo Bakery
    other = publish(isReplyAuthorized=True)
    first = send_reply(api, enterprise_token, original).json()["messageId"]
    second = send_reply(api, enterprise_token, original).json()["messageId"]
    send_reply(api, enterprise_token, other)

    def replies_to(token, message_id, **more):
        answer = api.get(token, f"{EBOX}/messages", {"originalMessageId": message_id, **more})
        assert answer.status == 200, answer.body
        return [m["messageId"] for m in answer.json()["items"]], answer.json()["totalItems"]

    assert replies_to(onss, original) == ([second, first], 2)  # newest first, in ONSS's e-Box
    assert replies_to(onss, original, pageSize="1", page="2") == ([first], 2)
    assert replies_to(enterprise_token, original) == ([], 0)  # they are not in the replier's e-Box
    assert replies_to(api.token(f"ent-{OTHER}", "demo-secret"), original) == ([], 0)
    back = send_reply(api, onss, first, reply_body(None)).json()["messageId"]
    bruno = api.token("user-bruno", "demo-secret")  # ACCOUNTING, where the conversation lies at Demo Bakery
    assert replies_to(bruno, first) == ([back], 1)
    assert replies_to(bruno, first, partition="HR") == ([], 0)
    refused = api.get(onss, f"{EBOX}/messages", {"originalMessageId": original, "q": "reponse"})
    assert refused.status == 400 and refused.json()["code"] == "INVALID_INPUT"
