"""SQS event source mappings: the real Lambda SQS event, partial batch responses honoured."""

from __future__ import annotations

import json

import boto3
import pytest
from ebox_local.model import SqsMapping
from ebox_local.sqs_pollers import SqsPoller, failed_message_ids

from tests.waiting import eventually


def _poller(mocked, **changes) -> SqsPoller:
    mapping = next(m for m in mocked.sqs_mappings if m.function == "BatchFunction")
    if changes:
        mapping = SqsMapping(**{**mapping.__dict__, **changes})
    return SqsPoller(mapping, mocked.functions[mapping.function], boto3.client("sqs"), "eu-west-1")


def _send(mocked, *bodies: dict) -> None:
    sqs = boto3.client("sqs")
    for body in bodies:
        sqs.send_message(QueueUrl=mocked.queue_url("Work"), MessageBody=json.dumps(body))


def _left(mocked, queue: str = "Work") -> int:
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=mocked.queue_url(queue), AttributeNames=["ApproximateNumberOfMessages",
                                                          "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])


def _seen() -> set[str]:
    return {i["pk"]["S"] for i in boto3.client("dynamodb").scan(TableName="seen-test")["Items"]}


def test_the_mapping_is_read_from_the_template(mocked):
    mapping = next(m for m in mocked.sqs_mappings if m.function == "BatchFunction")
    assert (mapping.batch_size, mapping.report_batch_item_failures) == (5, True)
    assert mapping.queue_arn == "arn:aws:sqs:eu-west-1:123456789012:ebox-local-Work"


def test_batch_item_failures_stay_in_the_queue_and_reach_the_dead_letter_queue(mocked):
    _send(mocked, {"id": "a"}, {"id": "b", "fail": True}, {"id": "c"})
    poller = _poller(mocked)
    assert poller.poll_once() == 3
    assert _seen() == {"a", "c"}
    assert _left(mocked) == 1  # b, left in the queue (invisible for its 1 s VisibilityTimeout, or visible again)
    # No poll here to show it invisible: on a busy machine the second may come after the timeout (it did).
    assert eventually(lambda: poller.poll_once() == 1)  # b again (receive count 2 = maxReceiveCount), failing
    assert eventually(lambda: (poller.poll_once(), _left(mocked, "DeadLetters")) == (0, 1))  # then redriven
    assert _left(mocked) == 0 and _seen() == {"a", "c"}


def test_records_look_like_lambdas(mocked):
    _send(mocked, {"id": "x"})
    _poller(mocked).poll_once()
    item = boto3.client("dynamodb").get_item(TableName="seen-test", Key={"pk": {"S": "x"}})["Item"]
    assert item["source"]["S"].endswith(":ebox-local-Work") and item["receiveCount"]["S"] == "1"


def test_without_report_batch_item_failures_the_response_is_ignored(mocked):
    _send(mocked, {"id": "a"}, {"id": "b", "fail": True})
    _poller(mocked, report_batch_item_failures=False).poll_once()
    assert _left(mocked) == 0


def test_an_exception_returns_the_whole_batch(mocked):
    _send(mocked, {"id": "a"}, {"id": "b"})

    def crash(function, event):
        raise RuntimeError("down")

    mapping = next(m for m in mocked.sqs_mappings if m.function == "BatchFunction")
    poller = SqsPoller(mapping, mocked.functions["BatchFunction"], boto3.client("sqs"), "eu-west-1", invoker=crash)
    assert poller.poll_once() == 2 and _left(mocked) == 2


def test_the_poller_thread_delivers_and_stops(mocked):
    poller = _poller(mocked)
    poller.start()
    try:
        _send(mocked, {"id": "t1"}, {"id": "t2"})
        assert eventually(lambda: {"t1", "t2"} <= _seen(), timeout=10)
    finally:
        poller.stop()
        poller.join(timeout=5)
    assert not poller.is_alive()


@pytest.mark.parametrize(("response", "expected"), [
    ({"batchItemFailures": []}, set()),
    (None, set()),
    ({"batchItemFailures": [{"itemIdentifier": "2"}]}, {"2"}),
    ({"batchItemFailures": [{"itemIdentifier": "9"}]}, {"1", "2"}),  # unknown id: the whole batch fails
    ({"batchItemFailures": [{"itemIdentifier": ""}]}, {"1", "2"}),
])
def test_partial_batch_response_rules(response, expected):
    batch = [{"MessageId": "1"}, {"MessageId": "2"}]
    assert failed_message_ids(response, batch, report_failures=True) == expected
