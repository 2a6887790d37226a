"""Publication through the API handler, on moto: what a sender sees and what is left in AWS."""

import time

import pytest

from tests.apigw import PDF, multipart, part, publication
from tests.fakes import INACTIVE, PAPER_ONLY, b64url_sha256

UNREGISTERED = "0477700056"  # a well-formed enterprise number that is not in the demo register


def objects(s3, bucket, prefix):
    return [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])]


def test_publish_answers_201_and_stores_the_document_encrypted(api, sender_token, stack):
    answer = api.publish(sender_token, publication())
    assert answer.status == 201, answer.body
    body = answer.json()
    assert set(body) == {"messageId", "expirationDate"}
    keys = objects(stack.s3, stack.content_bucket, f"messages/{body['messageId']}/")
    assert len(keys) == 1 and "/attachments/" in keys[0]  # the document, once, at its final key; no metadata object
    head = stack.s3.head_object(Bucket=stack.content_bucket, Key=keys[0])
    assert head["ServerSideEncryption"] == "aws:kms"
    assert objects(stack.s3, stack.content_bucket, "staging/") == []  # no staging copy


def test_trailing_slash_and_metadata_first_are_accepted(api, sender_token):
    answer = api.publish(sender_token, publication(metadata_last=False), path="/messageRegistry/v3/ebox/messages/")
    assert answer.status == 201, answer.body


def test_recipient_whose_ebox_was_never_opened_gets_no_digital_user(api, sender_token):
    answer = api.publish(sender_token, publication(recipient={"eboxType": "enterprise",
                                                              "enterpriseNumber": PAPER_ONLY}))
    assert answer.status == 201
    assert answer.json()["code"] == "NO_DIGITAL_USER"


@pytest.mark.parametrize("recipient", [INACTIVE, UNREGISTERED, "0852093432"])
def test_recipient_not_active_in_the_register_is_invalid_input(api, sender_token, stack, recipient):
    answer = api.publish(sender_token, publication(recipient={"eboxType": "enterprise",
                                                              "enterpriseNumber": recipient}))
    assert answer.status == 400
    assert answer.json()["code"] == "INVALID_INPUT"
    assert recipient in answer.json()["message"]
    assert objects(stack.s3, stack.content_bucket, "") == []


def test_digest_mismatch_is_refused_and_leaves_nothing(api, sender_token, stack):
    answer = api.publish(sender_token, publication(digest=b64url_sha256(b"other bytes")))
    assert answer.status == 400
    assert answer.json()["code"] == "DIGEST_DO_NOT_MATCH"
    assert objects(stack.s3, stack.content_bucket, "") == []


def test_sender_other_than_the_token_is_invalid_sender(api, sender_token):
    answer = api.publish(sender_token, publication(sender={"eboxType": "enterprise",
                                                           "enterpriseNumber": "0403019261"}))
    assert answer.status == 400
    assert answer.json()["code"] == "INVALID_SENDER"


@pytest.mark.parametrize("body, fragment", [
    (multipart(part("upfile1", PDF, filename="a.pdf", content_type="application/pdf")), "messageToPublish"),
    (b"--not-the-boundary\r\n", "closing boundary|malformed"),
    (multipart(part("messageToPublish", b"{broken")), "not valid JSON"),
])
def test_malformed_publications_are_invalid_input_never_500(api, sender_token, body, fragment):
    answer = api.publish(sender_token, body)
    assert answer.status == 400
    assert answer.json()["code"] == "INVALID_INPUT"
    assert fragment.split("|")[0] in answer.json()["message"] or fragment.split("|")[-1] in answer.json()["message"]


def test_mime_type_outside_the_whitelist_is_invalid_input(api, sender_token):
    body = publication().replace(b"Content-Type: application/pdf", b"Content-Type: application/x-msdownload")
    answer = api.publish(sender_token, body)
    assert answer.status == 400 and "application/x-msdownload" in answer.json()["message"]


def test_oversized_publication_is_413(api, sender_token):
    answer = api.publish(sender_token, publication(pdf=b"%PDF" + b"x" * 4_500_000))
    assert answer.status == 413
    assert answer.json()["code"] == "PAYLOAD_TOO_LARGE"


def test_idempotency_key_repeat_is_409_with_the_original_message(api, sender_token, stack):
    first = api.publish(sender_token, publication(), idempotency_key="campaign-42/line-1")
    again = api.publish(sender_token, publication(), idempotency_key="campaign-42/line-1")
    assert (first.status, again.status) == (201, 409)
    assert again.json()["messageId"] == first.json()["messageId"]
    assert again.json()["code"] == "DUPLICATE_PUBLICATION"
    assert len(objects(stack.s3, stack.content_bucket, "messages/")) == 1  # the repeat's document was deleted


def test_idempotency_key_with_another_payload_is_422(api, sender_token):
    assert api.publish(sender_token, publication(), idempotency_key="k-7").status == 201
    other = api.publish(sender_token, publication(subject={"fr": "Autre chose"}), idempotency_key="k-7")
    assert other.status == 422
    assert other.json()["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_publication_is_announced_on_the_event_bus(api, sender_token, stack):
    message_id = api.publish(sender_token, publication()).json()["messageId"]
    bodies, deadline = [], time.monotonic() + 15  # EventBridge delivers to SQS a moment later (LocalStack, AWS)
    while time.monotonic() < deadline and not any(message_id in b for b in bodies):
        bodies += [m["Body"] for m in stack.sqs.receive_message(
            QueueUrl=stack.notification_queue, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])]
    assert any(message_id in b and "MessagePublished" in b for b in bodies)


def test_an_enterprise_token_cannot_publish(api, stack):
    token = api.token("ent-0852093431", "demo-secret")
    answer = api.publish(token, publication())
    assert answer.status == 403
    assert answer.json()["code"] == "FORBIDDEN"
    assert "publicationsender" in answer.json()["message"]
