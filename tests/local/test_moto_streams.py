"""DynamoDB Streams on the local stack's moto: a record every reader has passed is forgotten, a reader never
misses one, and iterators expire as on DynamoDB."""

from __future__ import annotations

import boto3
import pytest
from ebox_local import moto_dynamodb, moto_streams
from moto.dynamodb.models import dynamodb_backends


@pytest.fixture
def stream(moto_server):
    moto_dynamodb.install()
    moto_streams.install()
    try:
        db = boto3.client("dynamodb")
        arn = db.create_table(
            TableName="t", BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        )["TableDescription"]["LatestStreamArn"]
        yield db, boto3.client("dynamodbstreams"), arn
    finally:
        moto_streams.uninstall()
        moto_dynamodb.uninstall()


def write(db, *keys):
    for key in keys:
        db.put_item(TableName="t", Item={"pk": {"S": key}})


def kept():
    return len(dynamodb_backends["123456789012"]["eu-west-1"].tables["t"].stream_shard.items)


def first_iterator(streams, arn, kind="TRIM_HORIZON"):
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    return streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType=kind)["ShardIterator"]


def read(streams, iterator, limit=2):
    answer = streams.get_records(ShardIterator=iterator, Limit=limit)
    return [r["dynamodb"]["Keys"]["pk"]["S"] for r in answer["Records"]], answer["NextShardIterator"]


def test_a_reader_reads_every_record_once_and_what_it_passed_is_forgotten(stream):
    db, streams, arn = stream
    write(db, "a", "b", "c", "d", "e")
    iterator = first_iterator(streams, arn)
    seen = []
    for _ in range(4):
        keys, iterator = read(streams, iterator)
        seen += keys
    assert seen == ["a", "b", "c", "d", "e"]
    assert kept() == 0
    write(db, "f")
    assert read(streams, iterator)[0] == ["f"]
    assert read(streams, first_iterator(streams, arn))[0] == ["f"]  # a new reader starts at the oldest kept


def test_a_batch_can_be_read_again_until_the_next_one_is_read(stream):
    db, streams, arn = stream
    write(db, "a", "b", "c")
    batch = first_iterator(streams, arn)
    keys, following = read(streams, batch)
    assert read(streams, batch)[0] == keys == ["a", "b"]  # its delivery failed: read it again
    assert read(streams, following)[0] == ["c"]
    with pytest.raises(streams.exceptions.ExpiredIteratorException):
        read(streams, batch)  # its reader moved on


def test_records_are_kept_until_the_slowest_reader_has_passed_them(stream):
    db, streams, arn = stream
    write(db, "a", "b", "c", "d")
    fast, slow = first_iterator(streams, arn), first_iterator(streams, arn)
    for _ in range(3):
        _, fast = read(streams, fast)
    assert kept() == 4
    keys, slow = read(streams, slow)
    keys2, slow = read(streams, slow)
    assert keys + keys2 == ["a", "b", "c", "d"]
    assert kept() == 2  # the slow reader may still read "c" and "d" again


def test_an_old_iterator_expires_and_one_before_the_kept_records_is_refused(stream, monkeypatch):
    db, streams, arn = stream
    write(db, "a", "b", "c")
    idle = first_iterator(streams, arn)
    monkeypatch.setattr(moto_streams, "ITERATOR_LIFETIME", 0.0)
    with pytest.raises(streams.exceptions.ExpiredIteratorException):
        read(streams, idle)
    monkeypatch.setattr(moto_streams, "ITERATOR_LIFETIME", 900.0)
    iterator = first_iterator(streams, arn)
    for _ in range(3):
        _, iterator = read(streams, iterator)
    assert kept() == 0
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    with pytest.raises(streams.exceptions.TrimmedDataAccessException):
        streams.get_records(ShardIterator=streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard, ShardIteratorType="AT_SEQUENCE_NUMBER",
            SequenceNumber="1100000000017454423009")["ShardIterator"])
