"""Documents beyond the API's payload cap: pre-signed uploads straight to the content bucket, checked by
the service before the message is visible, used without a copy; unused ones expire by themselves."""

import base64
import hashlib
import json

import pytest
import requests

from tests.apigw import multipart, part
from tests.fakes import message_json

UPLOADS = "/messageRegistry/v3/ebox/uploads"
BIG = b"%PDF-1.7\n" + bytes(range(256)) * (5 * 4096)  # 5 MiB: beyond the one-request cap of 4.4 MB


def b64url(data):
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def ask(api, token, *documents):
    return api.call("POST", UPLOADS, body=json.dumps({"documents": list(documents)}).encode(),
                    headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})


def described(data, name="annual-report.pdf", digest=None):
    return {"fileName": name, "mediaType": "application/pdf", "size": len(data),
            "digest": {"digestMethod": "sha_256", "digestValue": digest or b64url(data)}}


def upload(slot, data):
    response = requests.put(slot["uploadUrl"], data=data, headers=slot["headers"], timeout=60)
    assert response.status_code == 200, response.text
    return slot["uploadId"]


def publish_with(api, token, upload_id, digest):
    meta = message_json(attachments=[{"uploadId": upload_id, "isMainContent": True,
                                      "digest": {"digestMethod": "sha_256", "digestValue": digest}}])
    return api.publish(token, multipart(part("messageToPublish", json.dumps(meta).encode())))


def test_a_document_beyond_the_cap_is_uploaded_then_published_and_read(api, stack, sender_token, enterprise_token):
    asked = ask(api, sender_token, described(BIG))
    assert asked.status == 201, asked.body
    slot = asked.json()["uploads"][0]
    assert slot["headers"]["x-amz-checksum-sha256"] == base64.b64encode(hashlib.sha256(BIG).digest()).decode()
    upload_id = upload(slot, BIG)
    published = publish_with(api, sender_token, upload_id, b64url(BIG))
    assert published.status == 201, published.body
    message_id = published.json()["messageId"]
    attachment = api.get(enterprise_token, f"/messageRegistry/v2/ebox/messages/{message_id}/attachments").json()[
        "items"][0]
    assert round(attachment["size"]) == round(len(BIG) / 1024)  # kB, as the v2.1 API says
    content = api.get(enterprise_token, attachment["contentHref"])
    assert content.status == 303  # beyond API Gateway's answer size: a link to the stored bytes
    assert requests.get(content.headers["location"], timeout=60).content == BIG
    assert api.get(enterprise_token, f"/messageRegistry/v2/ebox/messages/{message_id}").json()["readStatus"] is True
    key = f"uploads/0406798006/{upload_id}"
    assert stack.s3.get_object_tagging(Bucket=stack.content_bucket, Key=key)["TagSet"] == [
        {"Key": "ebox-upload", "Value": "published"}]  # kept at its key, no copy
    assert not any("/attachments/" in o["Key"] for o in stack.s3.list_objects_v2(
        Bucket=stack.content_bucket, Prefix=f"messages/{message_id}/").get("Contents", []))


def test_unused_uploads_expire_by_the_bucket_s_lifecycle(api, stack, sender_token):
    upload(ask(api, sender_token, described(b"%PDF small")).json()["uploads"][0], b"%PDF small")
    rules = stack.s3.get_bucket_lifecycle_configuration(Bucket=stack.content_bucket)["Rules"]
    pending = [r for r in rules if r["ID"] == "UnusedDocumentUploads"][0]
    assert pending["Expiration"]["Days"] == 1
    assert json.dumps(pending["Filter"]).count('"ebox-upload"') == 1 and "pending" in json.dumps(pending["Filter"])


def test_bytes_that_are_not_the_announced_ones_are_refused_before_anything_is_visible(
        api, stack, sender_token, enterprise_token):
    slot = ask(api, sender_token, described(BIG)).json()["uploads"][0]
    tampered = BIG[:-1] + b"!"
    headers = {**slot["headers"]}
    response = requests.put(slot["uploadUrl"], data=tampered, headers=headers, timeout=60)
    if response.status_code == 200:  # S3 refuses it (BadDigest); an emulator may not: the service then does
        answer = publish_with(api, sender_token, slot["uploadId"], b64url(BIG))
        assert (answer.status, answer.json()["code"]) == (400, "DIGEST_DO_NOT_MATCH")
    assert api.get(enterprise_token, "/messageRegistry/v2/ebox/messages").json()["totalItems"] == 0


def test_another_sender_s_or_an_unknown_upload_is_invalid_input(api, sender_token):
    answer = publish_with(api, sender_token, "0123456789abcdef0123456789abcdef", b64url(BIG))
    assert (answer.status, answer.json()["code"]) == (400, "INVALID_INPUT")
    assert "no upload" in answer.json()["message"]


@pytest.mark.parametrize("document, fragment", [
    ({"fileName": "a.exe", "size": 10, "digest": {"digestMethod": "sha_256", "digestValue": b64url(b"x")}},
     "media type"),
    ({"fileName": "a.pdf", "size": 2 * 1024 ** 3, "digest": {"digestMethod": "sha_256", "digestValue": b64url(b"x")}},
     "size"),
    ({"fileName": "a.pdf", "size": 10, "digest": {"digestMethod": "sha_256", "digestValue": "abc"}}, "SHA-256"),
])
def test_bad_upload_requests_are_invalid_input(api, sender_token, document, fragment):
    answer = ask(api, sender_token, document)
    assert (answer.status, answer.json()["code"]) == (400, "INVALID_INPUT")
    assert fragment in answer.json()["message"]


def test_an_enterprise_cannot_ask_for_uploads(api, enterprise_token):
    assert ask(api, enterprise_token, described(b"%PDF x")).status == 403


def test_uploaded_bytes_must_be_of_the_announced_type(api, sender_token, enterprise_token):
    executable = b"MZ\x90\x00" + bytes(range(256)) * 8  # announced as a PDF
    slot = ask(api, sender_token, described(executable)).json()["uploads"][0]
    answer = publish_with(api, sender_token, upload(slot, executable), b64url(executable))
    assert (answer.status, answer.json()["code"]) == (400, "INVALID_INPUT"), answer.body
    assert "not those of a application/pdf" in answer.json()["message"]
    assert api.get(enterprise_token, "/messageRegistry/v2/ebox/messages").json()["totalItems"] == 0


def test_a_refused_publication_reads_no_upload(api, stack, sender_token):
    """An unannounced file part or a bad Idempotency-Key is refused before the service reads an upload."""
    slot = ask(api, sender_token, described(BIG)).json()["uploads"][0]
    upload_id = upload(slot, BIG)
    reads: list[str] = []

    def record(model, **_):
        if model.name == "GetObject":
            reads.append(model.name)

    stack.s3.meta.events.register("before-call.s3", record)
    try:
        meta = message_json(attachments=[{"uploadId": upload_id, "isMainContent": True}])
        extra = multipart(part("messageToPublish", json.dumps(meta).encode()),
                          part("extra", b"%PDF-1.7 extra", filename="extra.pdf", content_type="application/pdf"))
        refused = api.publish(sender_token, extra)
        assert refused.status == 400 and "not announced" in refused.json()["message"], refused.body
        bad_key = api.publish(sender_token, multipart(part("messageToPublish", json.dumps(meta).encode())),
                              idempotency_key="k" * 129)
        assert bad_key.status == 400 and "Idempotency-Key" in bad_key.json()["message"]
        assert reads == []
        assert api.publish(sender_token, multipart(part("messageToPublish", json.dumps(meta).encode()))).status == 201
        assert reads  # the same client does read an upload for a publication it accepts
    finally:
        stack.s3.meta.events.unregister("before-call.s3", record)
