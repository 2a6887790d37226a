"""The asynchronous Lambdas, called as their triggers call them, on moto."""

import json
import time

import pytest

from tests.apigw import PDF, publication
from tests.conftest import on_localstack, stream_held
from tests.events import evidence_stream_event
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


@pytest.mark.skipif(on_localstack(), reason="holds moto's stream records to deliver them as one batch")
def test_evidence_is_archived_once_per_batch_under_object_lock(stack, handlers, api, sender_token, enterprise_token):
    with stream_held():
        first = api.publish(sender_token, publication()).json()["messageId"]
        second = api.publish(sender_token, publication()).json()["messageId"]
    records = stack.services.index.evidence(first) + stack.services.index.evidence(second)
    bucket = stack.environment["EBOX_EVIDENCE_BUCKET"]

    def objects():
        versions = stack.s3.list_object_versions(Bucket=bucket, Prefix="evidence/").get("Versions", [])
        return sorted(v["Key"] for v in versions)

    before = objects()
    answer = handlers["archive_evidence"](evidence_stream_event(records), None)  # one stream batch of 4 records
    assert answer == {"records": 4, "objects": 1}
    [key] = sorted(set(objects()) - set(before))
    assert key.startswith("evidence/batches/") and key.endswith(f"{first}-0001.jwsl")
    assert stack.s3.head_object(Bucket=bucket, Key=key)["ObjectLockMode"] == "COMPLIANCE"
    lines = stack.s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode().splitlines()
    assert lines == [r.jws for r in records]

    handlers["archive_evidence"](evidence_stream_event(records), None)  # the same batch delivered again
    assert sorted(set(objects()) - set(before)) == [key]

    evidences = api.get(enterprise_token, f"/messageRegistry/v3/ebox/messages/{second}/evidences").json()
    archive = evidences["items"][1]["archive"]
    assert archive["object"] == key and archive["line"] == 4 and len(archive["digests"]) == 4
    assert other_messages_records_not_in(archive, stack.services.index.evidence(first))


def other_messages_records_not_in(archive, records):
    """The verifier of one message gets the batch's digests, not the other messages' records."""
    return not any(r.jws in json.dumps(archive) for r in records)


def test_the_ebox_counters_count_what_a_batch_starting_before_their_mark_adds(stack):
    """Lambda may hand the outbox records it already counted followed by new ones (a checkpoint lost, a
    shard read again): each counter adds the new ones, and a batch delivered again adds nothing."""
    from tests.fakes import message_in

    ebox = "0999999992"
    index = stack.services.index
    messages = [message_in(f"0192d3a0-0000-7000-8000-{n:012d}", "GENERAL", recipient=ebox) for n in range(4)]
    sequence = [str(10**30 + n) for n in range(4)]
    index.count_published([(sequence[0], messages[0]), (sequence[1], messages[1])])
    index.count_published([(sequence[1], messages[1]), (sequence[2], messages[2]), (sequence[3], messages[3])])
    assert index.summary(ebox).number_of_messages == 4
    index.count_published([(sequence[2], messages[2]), (sequence[3], messages[3])])  # delivered again
    assert index.summary(ebox).number_of_messages == 4
    assert index.summary(ebox, frozenset({"GENERAL"})).number_of_messages == 4
