"""The local stack's stream pollers: what a bench writes as already consumed is never delivered; what is
written afterwards is."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import boto3
import pytest
from ebox_local.model import LocalFunction, StreamMapping
from ebox_local.stream_pollers import StreamPoller, consumed_already


@pytest.fixture
def stream(moto_server):
    db = boto3.client("dynamodb")
    arn = db.create_table(
        TableName="t", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )["TableDescription"]["LatestStreamArn"]
    return db, arn


def test_records_written_as_consumed_already_are_skipped_and_later_ones_delivered(stream):
    db, arn = stream
    delivered: list[str] = []
    got = threading.Event()

    def invoke(function: Any, event: dict[str, Any]) -> None:
        delivered.extend(r["dynamodb"]["NewImage"]["pk"]["S"] for r in event["Records"])
        got.set()

    function = LocalFunction("Outbox", "outbox", "arn:aws:lambda:eu-west-1:123456789012:function:outbox",
                             Path("."), "app.handler", {})
    poller = StreamPoller(StreamMapping("Outbox", "t", arn), function, boto3.client("dynamodbstreams"),
                          "eu-west-1", interval=0.01, invoker=invoke)
    db.put_item(TableName="t", Item={"pk": {"S": "before"}})
    poller.start()
    try:
        assert got.wait(10)
        with consumed_already([poller]):
            for n in range(50):
                db.put_item(TableName="t", Item={"pk": {"S": f"filled-{n}"}})
        db.put_item(TableName="t", Item={"pk": {"S": "after"}})
        poller.caught_up.clear()
        assert poller.caught_up.wait(10)
        assert "after" in delivered
    finally:
        poller.stop()
        poller.join(10)
    assert delivered == ["before", "after"]


def test_a_binary_attribute_reaches_the_function_as_lambda_sends_it_base64():
    import base64
    from datetime import UTC, datetime

    from ebox_local.stream_pollers import stream_event

    mapping = StreamMapping("F", "t", "arn:aws:dynamodb:eu-west-1:1:table/t/stream/x")
    read = {"eventName": "INSERT", "dynamodb": {"ApproximateCreationDateTime": datetime(2026, 11, 30, tzinfo=UTC),
                                                "NewImage": {"records": {"B": b"\x78\x9c\x00"}}}}  # as boto3 gives it
    [record] = stream_event([read], mapping, "eu-west-1")["Records"]
    assert base64.b64decode(record["dynamodb"]["NewImage"]["records"]["B"]) == b"\x78\x9c\x00"
    assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], float)


def test_under_a_tumbling_window_the_event_names_its_shard_and_an_answer_without_state_is_delivered_again(stream):
    db, arn = stream
    events: list[dict[str, Any]] = []
    answered = threading.Event()

    def invoke(function: Any, event: dict[str, Any]) -> dict[str, Any]:
        events.append(event)
        if len(events) == 1:
            return {"messages": 1}  # no state: Lambda counts the batch as failed, and delivers it again
        answered.set()
        return {"state": {}}

    function = LocalFunction("Outbox", "outbox", "arn:aws:lambda:eu-west-1:123456789012:function:outbox",
                             Path("."), "app.handler", {})
    mapping = StreamMapping("Outbox", "t", arn, tumbling_window_seconds=900)
    poller = StreamPoller(mapping, function, boto3.client("dynamodbstreams"), "eu-west-1", interval=0.01,
                          invoker=invoke)
    db.put_item(TableName="t", Item={"pk": {"S": "one"}})
    shard = boto3.client("dynamodbstreams").describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
    poller.start()
    try:
        assert answered.wait(10)
    finally:
        poller.stop()
        poller.join(10)
    first, again = events[:2]
    assert first["shardId"] == again["shardId"] == shard["ShardId"] and first["state"] == {}
    assert first["window"]["start"] < first["window"]["end"] and first["isFinalInvokeForWindow"] is False
    assert [r["dynamodb"]["NewImage"]["pk"]["S"] for r in again["Records"]] == ["one"]
