"""The asynchronous Lambdas, called as their triggers call them, on moto."""

import io
import json
import time
import zipfile

import pytest

from tests.apigw import PDF, publication
from tests.fakes import RECIPIENT, b64url_sha256, message_json


def drop_event(bucket, key, etag="etag-1"):
    return {"version": "0", "id": "e-1", "detail-type": "Object Created", "source": "aws.s3",
            "detail": {"bucket": {"name": bucket}, "object": {"key": key, "etag": etag, "size": 1}}}


def package(meta, files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("messageToPublish.json", json.dumps(meta))
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# The packages are put in a bucket without EventBridge notifications, so that only these calls run the
# steps (a package in the import bucket would also start the state machine, see tests/e2e).
def run_pipeline(handlers, event):
    state = handlers["ingest"](event, None)
    for step in ("validate_recipient", "store_content", "index_message"):
        state = handlers[step](state, None)
    return state


def good_package():
    meta = message_json(attachments=[{"httpPartName": "avis.pdf", "isMainContent": True,
                                      "digest": {"digestMethod": "sha_256", "digestValue": b64url_sha256(PDF)}}])
    return package(meta, {"avis.pdf": PDF})


def test_a_dropped_package_is_published_once_even_when_dropped_again(stack, handlers, api, enterprise_token):
    stack.s3.put_object(Bucket=stack.content_bucket, Key="0406798006/batch-1/avis.zip", Body=good_package())
    first = run_pipeline(handlers, drop_event(stack.content_bucket, "0406798006/batch-1/avis.zip"))
    again = run_pipeline(handlers, drop_event(stack.content_bucket, "0406798006/batch-1/avis.zip"))
    assert first["duplicate"] is False and again == {**first, "duplicate": True}
    inbox = api.get(enterprise_token, "/messageRegistry/v2/ebox/messages").json()
    assert [m["messageId"] for m in inbox["items"]] == [first["messageId"]]
    href = inbox["items"][0]["attachments"]["items"][0]["contentHref"]
    assert api.get(enterprise_token, href).body == PDF


def test_a_package_under_another_senders_prefix_is_refused(stack, handlers):
    from ebox.domain.errors import InvalidSender

    stack.s3.put_object(Bucket=stack.content_bucket, Key="0403019261/avis.zip", Body=good_package())
    with pytest.raises(InvalidSender):
        handlers["ingest"](drop_event(stack.content_bucket, "0403019261/avis.zip"), None)


@pytest.mark.parametrize("data, fragment", [
    (b"not a zip", "not a ZIP"),
    (package(message_json(), {"../evil.pdf": PDF}), "parent path"),
    (package(message_json(), {}), "not sent: upfile1"),
])
def test_unusable_packages_are_invalid_input(stack, handlers, data, fragment):
    from ebox.domain.errors import InvalidInput

    stack.s3.put_object(Bucket=stack.content_bucket, Key="0406798006/bad.zip", Body=data)
    with pytest.raises(InvalidInput, match=fragment):
        run_pipeline(handlers, drop_event(stack.content_bucket, "0406798006/bad.zip"))


def sqs_event(stack, queue_url, expected=1):
    """The queue's messages as an SQS event. EventBridge delivers to SQS asynchronously (moto does it
    inside PutEvents, LocalStack and AWS a moment later): wait for the ``expected`` ones."""
    messages, deadline = [], time.monotonic() + 15
    while len(messages) < expected and time.monotonic() < deadline:
        messages += stack.sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                              WaitTimeSeconds=1).get("Messages", [])
    return {"Records": [{"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
                         "attributes": {}, "messageAttributes": {}, "eventSource": "aws:sqs",
                         "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:q", "awsRegion": "eu-west-1",
                         "md5OfBody": ""} for m in messages]}


def test_notify_sends_one_email_per_message_even_when_redelivered(stack, handlers, api, sender_token):
    message_id = api.publish(sender_token, publication()).json()["messageId"]
    event = sqs_event(stack, stack.notification_queue)
    assert handlers["notify"](event, None) == {"batchItemFailures": []}
    assert handlers["notify"](event, None) == {"batchItemFailures": []}
    mails = [m for m in stack.sent_mail() if message_id in m["body"]]
    assert len(mails) == 1
    assert mails[0]["destinations"] == ["office@demo-bakery.example"]
    assert "Avis de cotisation" in mails[0]["subject"]
    assert PDF.decode()[:20] not in mails[0]["body"]


def test_no_email_for_an_enterprise_without_an_opened_ebox(stack, handlers, api, sender_token):
    api.publish(sender_token, publication(recipient={"eboxType": "enterprise", "enterpriseNumber": "0220916609"}))
    handlers["notify"](sqs_event(stack, stack.notification_queue), None)
    assert stack.sent_mail() == []


def test_every_event_is_recorded_once_in_the_audit_trail(stack, handlers, api, sender_token, enterprise_token):
    message_id = api.publish(sender_token, publication()).json()["messageId"]
    message = api.get(enterprise_token, f"/messageRegistry/v2/ebox/messages/{message_id}").json()
    api.get(enterprise_token, message["attachments"]["items"][0]["contentHref"])
    event = sqs_event(stack, stack.evidence_queue, expected=2)
    handlers["record_evidence"](event, None)
    handlers["record_evidence"](event, None)
    trail = stack.services.audit.events(message_id)
    # EventBridge times have a one-second resolution: both events may share a second.
    assert sorted(e["event"] for e in trail) == ["MessagePublished", "MessageRead"]
    assert all(e["detail"]["recipient"]["enterpriseNumber"] == RECIPIENT for e in trail)


def test_evidence_is_archived_once_under_object_lock(stack, handlers, api, sender_token):
    message_id = api.publish(sender_token, publication()).json()["messageId"]
    event = sqs_event(stack, stack.evidence_queue)
    handlers["record_evidence"](event, None)
    handlers["record_evidence"](event, None)
    bucket = stack.environment["EBOX_EVIDENCE_BUCKET"]
    versions = stack.s3.list_object_versions(Bucket=bucket, Prefix=f"evidence/{message_id}/").get("Versions", [])
    keys = sorted(v["Key"] for v in versions)
    assert keys == [f"evidence/{message_id}/0001-SubmissionAcceptance.jws",
                    f"evidence/{message_id}/0002-ContentConsignment.jws"]
    head = stack.s3.head_object(Bucket=bucket, Key=keys[0])
    assert head["ObjectLockMode"] == "COMPLIANCE"
    stored = stack.s3.get_object(Bucket=bucket, Key=keys[0])["Body"].read().decode()
    assert stored == stack.services.index.evidence(message_id)[0].jws


def test_a_dropped_package_is_placed_by_the_recipients_routing_rules(stack, handlers, api):
    meta = message_json(messageTypeId="demo-tax", subject={"fr": "Décompte de régularisation"},
                        attachments=[{"httpPartName": "avis.pdf", "isMainContent": True}])
    stack.s3.put_object(Bucket=stack.content_bucket, Key="0406798006/tax.zip", Body=package(meta, {"avis.pdf": PDF}))
    published = run_pipeline(handlers, drop_event(stack.content_bucket, "0406798006/tax.zip"))
    bruno = api.token("user-bruno", "demo-secret")  # ACCOUNTING only
    found = api.get(bruno, "/messageRegistry/v2/ebox/messages", {"q": "decompte"}).json()["items"]
    assert [(m["messageId"], m["partition"]) for m in found] == [(published["messageId"], "ACCOUNTING")]
