"""TransactWriteItems on the local stack's moto: all or nothing, and safe under concurrent writers."""

from __future__ import annotations

import threading

import boto3
import pytest
from ebox_local import moto_dynamodb
from moto import mock_aws


@pytest.fixture
def table(monkeypatch):
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "eu-west-1"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        moto_dynamodb.install()
        try:
            db = boto3.client("dynamodb")
            db.create_table(TableName="t", BillingMode="PAY_PER_REQUEST",
                            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                                  {"AttributeName": "sk", "AttributeType": "S"}],
                            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                       {"AttributeName": "sk", "KeyType": "RANGE"}])
            yield db
        finally:
            moto_dynamodb.uninstall()


def put(key, value, condition=None):
    operation = {"TableName": "t", "Item": {"pk": {"S": key}, "sk": {"S": "x"}, "v": {"N": str(value)}}}
    if condition:
        operation["ConditionExpression"] = condition
    return {"Put": operation}


def items(db):
    return {i["pk"]["S"]: int(i["v"]["N"]) for i in db.scan(TableName="t")["Items"]}


def test_a_cancelled_transaction_leaves_every_item_as_it_was(table):
    table.transact_write_items(TransactItems=[put("a", 1), put("b", 1)])
    with pytest.raises(table.exceptions.TransactionCanceledException):
        table.transact_write_items(TransactItems=[put("a", 2), put("c", 2),
                                                  put("b", 2, condition="attribute_not_exists(pk)")])
    assert items(table) == {"a": 1, "b": 1}


def test_concurrent_transactions_and_writes_all_land(table):
    errors = []

    def writer(n):
        try:
            for i in range(25):
                table.transact_write_items(TransactItems=[put(f"{n}-{i}", i), put(f"{n}-{i}-pair", i)])
                table.put_item(TableName="t", Item={"pk": {"S": f"{n}-{i}-plain"}, "sk": {"S": "x"}, "v": {"N": "0"}})
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(items(table)) == 6 * 25 * 3


def test_a_query_reads_its_partition_while_others_are_written(table):
    table.put_item(TableName="t", Item={"pk": {"S": "mine"}, "sk": {"S": "1"}, "v": {"N": "1"}})
    table.put_item(TableName="t", Item={"pk": {"S": "mine"}, "sk": {"S": "2"}, "v": {"N": "2"}})
    stop = threading.Event()

    def writer():
        n = 0
        while not stop.is_set():
            n += 1
            table.put_item(TableName="t", Item={"pk": {"S": f"other-{n}"}, "sk": {"S": "x"}, "v": {"N": "0"}})

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        for _ in range(200):
            found = table.query(TableName="t", KeyConditionExpression="pk = :pk",
                                ExpressionAttributeValues={":pk": {"S": "mine"}}, ScanIndexForward=False)["Items"]
            assert [i["sk"]["S"] for i in found] == ["2", "1"]
    finally:
        stop.set()
        thread.join()


def test_a_query_on_a_slim_index_stops_at_1_mb_of_entries_not_of_whole_items(table):
    table.update_table(
        TableName="t", AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"},
                                             {"AttributeName": "sk", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[{"Create": {
            "IndexName": "Slim", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                                               {"AttributeName": "sk", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"}}}])
    for n in range(300):  # 300 items of 4 KB: 1.2 MB of items, 300 small index entries
        table.put_item(TableName="t", Item={"pk": {"S": "p"}, "sk": {"S": f"{n:04d}"}, "g": {"S": "g"},
                                            "doc": {"S": "x" * 4000}})
    whole = table.query(TableName="t", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p"}})
    slim = table.query(TableName="t", IndexName="Slim", KeyConditionExpression="g = :g",
                       ExpressionAttributeValues={":g": {"S": "g"}})
    assert whole["Count"] < 300 and "LastEvaluatedKey" in whole
    assert slim["Count"] == 300 and "LastEvaluatedKey" not in slim


def test_an_index_entry_holds_its_keys_and_projected_attributes_in_the_index_order(table):
    table.update_table(
        TableName="t", AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"},
                                             {"AttributeName": "when", "AttributeType": "N"}],
        GlobalSecondaryIndexUpdates=[{"Create": {
            "IndexName": "ByWhen", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                                                 {"AttributeName": "when", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["kept"]}}}])
    for n in (10, 9, 100, 2):  # numbers: 2 < 9 < 10 < 100, whatever their text
        table.put_item(TableName="t", Item={"pk": {"S": f"p{n}"}, "sk": {"S": "x"}, "g": {"S": "g"},
                                            "when": {"N": str(n)}, "kept": {"M": {"a": {"L": [{"S": "b"}]}}},
                                            "dropped": {"S": "d"}})
    answer = table.query(TableName="t", IndexName="ByWhen", KeyConditionExpression="g = :g",
                         ExpressionAttributeValues={":g": {"S": "g"}}, ScanIndexForward=False)
    assert [i["when"]["N"] for i in answer["Items"]] == ["100", "10", "9", "2"]
    assert answer["Items"][0] == {"pk": {"S": "p100"}, "sk": {"S": "x"}, "g": {"S": "g"}, "when": {"N": "100"},
                                  "kept": {"M": {"a": {"L": [{"S": "b"}]}}}}
