"""The asynchronous Lambdas, called as their triggers call them, on moto."""

import time

from tests.apigw import PDF, publication
from tests.events import sqs_event as sqs_event_of
from tests.fakes import PAPER_ONLY, RECIPIENT


def sqs_event(stack, queue_url, expected=1):
    """The queue's messages as an SQS event. EventBridge delivers to SQS asynchronously (moto does it
    inside PutEvents, LocalStack and AWS a moment later): wait for the ``expected`` ones (``expected=0``:
    those there now, or within a second)."""
    messages, deadline = [], time.monotonic() + 15
    while True:
        messages += stack.sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                              WaitTimeSeconds=1).get("Messages", [])
        if len(messages) >= expected or time.monotonic() > deadline:
            break
    return sqs_event_of(messages)


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
    published = api.publish(sender_token, publication(recipient={"eboxType": "enterprise",
                                                                 "enterpriseNumber": PAPER_ONLY}))
    assert published.status == 201, published.body
    event = sqs_event(stack, stack.notification_queue)
    [record] = event["Records"]  # the publication was announced: the notifier had something to decide on
    assert published.json()["messageId"] in record["body"]
    assert handlers["notify"](event, None) == {"batchItemFailures": []}
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

