"""SQS in the local stack's moto: a queue's backlog no longer slows its sends and receives (the message counts
are made only for a GetQueueAttributes that asks for them), and every call answers what moto answers."""

from __future__ import annotations

import boto3
import pytest
from ebox_local import moto_sqs
from moto.sqs.models import Queue

BACKLOG = 200


@pytest.fixture
def queue(moto_server):
    moto_sqs.install()
    try:
        sqs = boto3.client("sqs")
        url = sqs.create_queue(QueueName="backlog", Attributes={"MessageRetentionPeriod": "60"})["QueueUrl"]
        for start in range(0, BACKLOG, 10):
            sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"m{start + i}"}
                                                          for i in range(10)])
        yield sqs, url
    finally:
        moto_sqs.uninstall()


@pytest.fixture
def counted(monkeypatch):
    """How many times moto counted a queue's visible messages (one pass over all it holds each)."""
    passes = [0]
    original = Queue.approximate_number_of_messages

    def counting(queue):
        passes[0] += 1
        return original.fget(queue)

    monkeypatch.setattr(Queue, "approximate_number_of_messages", property(counting))
    return passes


def test_sends_and_receives_do_not_count_the_backlog(queue, counted):
    sqs, url = queue
    sqs.send_message(QueueUrl=url, MessageBody="one more")
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=30)["Messages"]
    assert len(received) == 10
    assert counted[0] == 0


def test_the_counts_are_still_answered_exactly(queue, counted):
    sqs, url = queue
    sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=30)
    counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    assert counts == {"ApproximateNumberOfMessages": str(BACKLOG - 10), "ApproximateNumberOfMessagesNotVisible": "10"}
    everything = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert everything["ApproximateNumberOfMessages"] == str(BACKLOG - 10)
    assert everything["MessageRetentionPeriod"] == "60" and everything["QueueArn"].endswith(":backlog")
    assert counted[0] > 0


def test_messages_past_the_retention_period_are_not_handed_out(queue, monkeypatch):
    sqs, url = queue
    import ebox_local.moto_sqs as patched

    monkeypatch.setattr(patched, "unix_time", lambda: 10_000_000_000.0)  # far beyond every message's 60 s
    assert sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []) == []
