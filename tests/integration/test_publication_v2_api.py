"""v2 `publishMessage` through the API handler, on moto: the same publication as v3 (codes, evidence,
idempotency, events), read from the v2.1 swagger's names, file parts in any order."""

import json
import uuid

import pytest

from tests.apigw import PDF, multipart, part
from tests.fakes import PAPER_ONLY, RECIPIENT, SENDER, b64url_sha256

V2 = "/messageRegistry/v2/publishMessage"
# Small files of the types senders publish (contents need only be bytes of some length).
FILES = {
    "TXTTestFile.txt": ("text/plain", b"Test file\n" * 20),
    "PDFTestFile.pdf": ("application/pdf", PDF),
    "PNGTestFile.png": ("image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64),
    "XLSXTestFile.xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04xlsx" * 9),
    "JPEGTestFile.jpeg": ("image/jpeg", b"\xff\xd8\xff\xe0" + b"\1" * 64),
    "PPTTestFile.ppt": ("application/vnd.ms-powerpoint", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"ppt" * 9),
}


def v2_message(**fields):
    message = {"recipient": {"eboxType": "enterprise", "eboxIdValue": RECIPIENT}, "subject": {"nl": "Test v2"},
               "messageTypeId": "demo-notice", "senderOrganizationId": SENDER, "senderApplicationId": "demo-app",
               "attachments": [{"httpPartName": "upfile1", "mainContent": True, "attachmentSigned": False}],
               "bodyMainContent": False, "replyAuthorized": False}
    message.update(fields)
    return message


def v2_body(message, files=(("upfile1", "PDFTestFile.pdf"),), *, metadata_first=True):
    meta = part("messageToPublish", json.dumps(message).encode())
    parts = [part(name, FILES[file_name][1], filename=file_name, content_type=FILES[file_name][0])
             for name, file_name in files]
    return multipart(*([meta, *parts] if metadata_first else [*parts, meta]))


def publish_v2(api, token, body, **kwargs):
    return api.publish(token, body, path=V2, **kwargs)


def test_v2_publication_answers_201_and_the_enterprise_reads_it(api, sender_token, enterprise_token):
    answer = publish_v2(api, sender_token, v2_body(v2_message()))
    assert answer.status == 201, answer.body
    assert set(answer.json()) == {"messageId", "expirationDate"}
    message_id = answer.json()["messageId"]
    read = api.get(enterprise_token, f"/messageRegistry/v2/ebox/messages/{message_id}")
    assert read.status == 200 and read.json()["subject"] == {"nl": "Test v2"}


def test_body_as_main_content_with_no_documents(api, sender_token, enterprise_token):
    message = v2_message(attachments=[], bodyMainContent=True, bodyContent={"nl": "Dutch body content is here"})
    answer = publish_v2(api, sender_token, multipart(part("messageToPublish", json.dumps(message).encode())))
    assert answer.status == 201, answer.body
    message_id = answer.json()["messageId"]
    assert api.get(enterprise_token, f"/messageRegistry/v2/ebox/messages/{message_id}/attachments").json()[
        "totalItems"] == 0
    body = api.get(enterprise_token, f"/messageRegistry/v2/ebox/messages/{message_id}/body")
    assert body.json() == {"nl": "Dutch body content is here"}


def test_six_documents_of_mixed_types_in_one_message_any_part_order(api, sender_token, enterprise_token):
    files = [(f"upfile{i}", name) for i, name in enumerate(FILES, start=1)]
    message = v2_message(attachments=[{"httpPartName": n, "mainContent": False, "attachmentSigned": False}
                                      for n, _ in files], bodyMainContent=True, bodyContent={"nl": "Zes bijlagen"})
    answer = publish_v2(api, sender_token, v2_body(message, list(reversed(files)), metadata_first=False))
    assert answer.status == 201, answer.body
    listed = api.get(enterprise_token, f"/messageRegistry/v2/ebox/messages/{answer.json()['messageId']}/attachments")
    assert sorted(a["mediaType"] for a in listed.json()["items"]) == sorted(t for t, _ in FILES.values())


def test_a_seventh_document_is_refused(api, sender_token):
    files = [(f"upfile{i}", "TXTTestFile.txt") for i in range(1, 8)]
    message = v2_message(attachments=[{"httpPartName": n, "mainContent": n == "upfile1"} for n, _ in files])
    answer = publish_v2(api, sender_token, v2_body(message, files))
    assert (answer.status, answer.json()["code"]) == (400, "INVALID_INPUT")


@pytest.mark.parametrize("fields, code", [
    ({"senderOrganizationId": "0403019261"}, "INVALID_SENDER"),
    ({"messageTypeId": "not-registered"}, "INVALID_SENDER"),
    ({"recipient": {"eboxType": "enterprise", "eboxIdValue": "0428759497"}}, "INVALID_INPUT"),
    ({"attachments": [{"httpPartName": "upfile1", "mainContent": True,
                       "digest": {"digestMethod": "sha_256", "digestValue": b64url_sha256(b"other")}}]},
     "DIGEST_DO_NOT_MATCH"),
])
def test_refusals_carry_the_same_codes_and_evidence_as_v3(api, sender_token, fields, code):
    answer = publish_v2(api, sender_token, v2_body(v2_message(**fields)))
    assert (answer.status, answer.json()["code"]) == (400, code)
    assert answer.json()["evidence"].count(".") == 2  # the signed SubmissionRejection, a compact JWS


def test_no_digital_user_and_registered_mail_evidence(api, sender_token):
    answer = publish_v2(api, sender_token, v2_body(v2_message(
        recipient={"eboxType": "enterprise", "eboxIdValue": PAPER_ONLY}, registeredMail=True)))
    assert answer.status == 201 and answer.json()["code"] == "NO_DIGITAL_USER"
    evidences = api.get(sender_token, f"/messageRegistry/v3/ebox/messages/{answer.json()['messageId']}/evidences")
    assert evidences.json()["totalItems"] == 2


def test_idempotency_key_is_shared_with_v3(api, sender_token):
    key = str(uuid.uuid4())
    first = publish_v2(api, sender_token, v2_body(v2_message()), idempotency_key=key)
    again = publish_v2(api, sender_token, v2_body(v2_message()), idempotency_key=key)
    assert (first.status, again.status) == (201, 409)
    assert again.json()["messageId"] == first.json()["messageId"]


def test_content_type_without_boundary_as_postman_sends_it(api, sender_token):
    """The e-Box team's v2 examples type `Content-Type: multipart/form-data` by hand: no boundary."""
    body = v2_body(v2_message())
    answer = api.call("POST", V2, headers={"Authorization": f"Bearer {sender_token}",
                                           "Content-Type": "multipart/form-data", "Accept": "*/*"}, body=body)
    assert answer.status == 201, answer.body


def test_octet_stream_part_takes_its_type_from_the_file_name(api, sender_token, enterprise_token):
    body = v2_body(v2_message()).replace(b"Content-Type: application/pdf", b"Content-Type: application/octet-stream")
    answer = publish_v2(api, sender_token, body)
    assert answer.status == 201, answer.body
    listed = api.get(enterprise_token, f"/messageRegistry/v2/ebox/messages/{answer.json()['messageId']}/attachments")
    assert listed.json()["items"][0]["mediaType"] == "application/pdf"


def test_an_enterprise_token_cannot_publish_v2(api, enterprise_token):
    answer = publish_v2(api, enterprise_token, v2_body(v2_message()))
    assert answer.status == 403


def test_the_message_type_still_tells_its_validity_period(api, enterprise_token):
    """With the referencedata scope (a sender's publication token alone does not carry it)."""
    answer = api.get(enterprise_token, "/messageRegistry/v2/referenceData/messageTypes/demo-notice")
    assert answer.status == 200, answer.body
    assert answer.json()["validityPeriod"] == {"validityPeriodNumber": 2, "validityPeriodUnit": "year"}
