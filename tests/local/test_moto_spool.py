"""DynamoDB items and stream records of the local stack's moto, kept on disk while unused: what a reader gets
back is what was written, and a write to a spooled item lands."""

from __future__ import annotations

import boto3
import pytest
from ebox_local import moto_spool
from moto.dynamodb.models import dynamodb_backends


@pytest.fixture
def db(moto_server):
    moto_spool.install()
    try:
        client = boto3.client("dynamodb")
        client.create_table(
            TableName="t", BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "S"},
                                  {"AttributeName": "kind", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            GlobalSecondaryIndexes=[{"IndexName": "ByKind", "Projection": {"ProjectionType": "ALL"},
                                     "KeySchema": [{"AttributeName": "kind", "KeyType": "HASH"}]}],
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
        yield client
    finally:
        moto_spool.uninstall()


ITEM = {"pk": {"S": "MSG#1"}, "sk": {"S": "MSG"}, "kind": {"S": "message"}, "n": {"N": "1.5"},
        "b": {"B": b"\x00\xff"}, "m": {"M": {"l": {"L": [{"S": "x"}, {"NULL": True}]}}}, "ss": {"SS": ["a", "b"]},
        "yes": {"BOOL": True}}


def spool_everything():
    spooled = 0
    for _ in range(moto_spool.IDLE_SWEEPS):
        spooled += moto_spool.sweep()
    return spooled


def in_memory():
    table = dynamodb_backends["123456789012"]["eu-west-1"].tables["t"]
    return [i for part in table.items.values() for i in part.values() if i._ebox_attrs is not None]


def test_a_spooled_item_reads_back_as_written_by_key_query_and_index(db):
    db.put_item(TableName="t", Item=ITEM)
    assert spool_everything() >= 1
    assert in_memory() == []
    assert db.get_item(TableName="t", Key={"pk": ITEM["pk"], "sk": ITEM["sk"]})["Item"] == ITEM
    assert db.query(TableName="t", KeyConditionExpression="pk = :p",
                    ExpressionAttributeValues={":p": ITEM["pk"]})["Items"] == [ITEM]
    assert db.query(TableName="t", IndexName="ByKind", KeyConditionExpression="kind = :k",
                    ExpressionAttributeValues={":k": ITEM["kind"]})["Items"] == [ITEM]


def test_an_update_of_a_spooled_item_lands_and_is_streamed_with_its_old_image(db):
    db.put_item(TableName="t", Item=ITEM)
    spool_everything()
    db.update_item(TableName="t", Key={"pk": ITEM["pk"], "sk": ITEM["sk"]}, UpdateExpression="SET n = n + :one",
                   ExpressionAttributeValues={":one": {"N": "1"}})
    spool_everything()
    assert db.get_item(TableName="t", Key={"pk": ITEM["pk"], "sk": ITEM["sk"]})["Item"]["n"] == {"N": "2.5"}
    streams = boto3.client("dynamodbstreams")
    arn = db.describe_table(TableName="t")["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY"]
    assert records[0]["dynamodb"]["NewImage"] == ITEM
    assert records[1]["dynamodb"]["OldImage"] == ITEM
    assert records[1]["dynamodb"]["NewImage"]["n"] == {"N": "2.5"}


def test_an_item_in_use_stays_in_memory(db):
    db.put_item(TableName="t", Item=ITEM)
    for _ in range(moto_spool.IDLE_SWEEPS - 1):
        moto_spool.sweep()
    db.get_item(TableName="t", Key={"pk": ITEM["pk"], "sk": ITEM["sk"]})
    moto_spool.sweep()
    assert len(in_memory()) == 1


def test_the_items_of_a_partition_share_its_key_and_read_back_each_their_own(db):
    for sk in ("EVIDENCE#0001", "AUDIT#1", "NOTIFIED#NEW"):
        db.put_item(TableName="t", Item={**ITEM, "sk": {"S": sk}})
    db.update_item(TableName="t", Key={"pk": ITEM["pk"], "sk": {"S": "ARCHIVE#1"}}, UpdateExpression="SET n = :n",
                   ExpressionAttributeValues={":n": {"N": "3"}})
    spool_everything()
    table = dynamodb_backends["123456789012"]["eu-west-1"].tables["t"]
    partition = table.items[next(iter(table.items))]
    assert len({id(item.hash_key) for item in partition.values()}) == 1
    found = db.query(TableName="t", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": ITEM["pk"]})
    assert [i["sk"]["S"] for i in found["Items"]] == ["ARCHIVE#1", "AUDIT#1", "EVIDENCE#0001", "NOTIFIED#NEW"]
    assert found["Items"][0]["n"] == {"N": "3"}
    assert db.get_item(TableName="t", Key={"pk": ITEM["pk"], "sk": {"S": "AUDIT#1"}})["Item"] == {
        **ITEM, "sk": {"S": "AUDIT#1"}}
