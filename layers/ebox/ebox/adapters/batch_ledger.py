"""The bulk batches table (DynamoDB): each batch's state and counts, and which chunks are counted.

| item         | pk                                 | sk            | served access pattern                  |
|--------------|------------------------------------|---------------|----------------------------------------|
| batch        | SENDER#<org>                       | BATCH#<id>    | GetItem: progress; conditional updates |
| chunk count  | RUN#<org>#<id>#<run>               | CHUNK#<n:06d> | conditional Put, in the transaction    |
|              |                                    |               | that adds the chunk's counts: once     |
| chunk lease  | RUN#<org>#<id>#<run>               | LEASE#<n:06d> | conditional UpdateItem: one delivery   |
|              |                                    |               | at a time; the chunk's receipt time    |
| evidence key | EVIDENCE_KEYS                      | <kid>         | Query: the endorsed keys that signed   |
|              |                                    |               | bulk evidence before decision 0010,    |
|              |                                    |               | still served at /evidence/keys         |

A run is one drop of the batch (one S3 event): a duplicate delivery of the same event finds its run
already there; a new drop of a finished batch starts a new run (its lines then find their messages
already published); a drop while a run is under way is refused.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import BotoCoreError, ClientError

from ebox.adapters.aws_errors import call, cancellation_reasons, classified, is_conditional_failure
from ebox.domain.batch_plan import BatchRef
from ebox.domain.batch_report import FINISHED, ChunkCounts
from ebox.domain.bulk_ports import ChunkLease
from ebox.domain.errors import BatchInProgress, TransientError

EVIDENCE_KEYS = "EVIDENCE_KEYS"
CHUNK_TTL_SECONDS = 30 * 24 * 3600
_serializer, _deserializer = TypeSerializer(), TypeDeserializer()


def _key(ref: BatchRef) -> dict[str, Any]:
    return {"pk": {"S": f"SENDER#{ref.sender}"}, "sk": {"S": f"BATCH#{ref.batch_id}"}}


def _run_key(ref: BatchRef, run: str) -> str:
    return f"RUN#{ref.sender}#{ref.batch_id}#{run}"


def _values(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _serializer.serialize(Decimal(str(round(value, 3))) if isinstance(value, float) else value)
            for name, value in values.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _item(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _plain(_deserializer.deserialize(value)) for name, value in raw.items() if name not in ("pk", "sk")}


class DynamoBatchLedger:
    def __init__(self, dynamodb_client: Any, *, table: str) -> None:
        self._db = dynamodb_client
        self._table = table

    def begin(self, ref: BatchRef, run: str, fields: Mapping[str, Any]) -> bool:
        """Records a new run of the batch; False when this run is already recorded (a repeated event).
        Raises BatchInProgress when another run has not finished."""
        item = {**_key(ref), **_values({"batchId": ref.batch_id, "sender": ref.sender, "run": run,
                                        "processed": 0, "accepted": 0, "alreadyPublished": 0, "rejected": 0,
                                        "rejectedByCode": {}, **fields})}
        try:
            call(
                self._db, "put_item", failure=f"could not record batch {ref.batch_id}", TableName=self._table,
                Item=item,
                ConditionExpression="attribute_not_exists(pk) OR (#run <> :run AND #status IN (:f1, :f2, :f3))",
                ExpressionAttributeNames={"#run": "run", "#status": "status"},
                ExpressionAttributeValues=_values({":run": run, ":f1": FINISHED[0], ":f2": FINISHED[1],
                                                   ":f3": FINISHED[2]}))
        except ClientError as error:
            if not is_conditional_failure(error):
                raise
            current = self.get(ref) or {}
            if current.get("run") == run:
                return False
            raise BatchInProgress(f"batch {ref.batch_id} is already being imported (status {current.get('status')}): "
                                  "drop it again once it is finished, or cancel it") from None
        return True

    def get(self, ref: BatchRef) -> dict[str, Any] | None:
        raw = call(self._db, "get_item", failure=f"could not read batch {ref.batch_id}", TableName=self._table,
                   Key=_key(ref), ConsistentRead=True).get("Item")
        return _item(raw) if raw else None

    def move(self, ref: BatchRef, run: str, *, expected: tuple[str, ...], status: str,
             fields: Mapping[str, Any] | None = None) -> bool:
        """Sets the status (and fields) if this run's status is one of ``expected``; False otherwise."""
        fields = {"status": status, **(fields or {})}
        names = {f"#f{i}": name for i, name in enumerate(fields)}
        values = {f":v{i}": value for i, value in enumerate(fields.values())}
        expected_values = {f":e{i}": value for i, value in enumerate(expected)}
        try:
            call(
                self._db, "update_item", failure=f"could not update batch {ref.batch_id}", TableName=self._table,
                Key=_key(ref), UpdateExpression="SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(fields))),
                ConditionExpression=f"#run = :run AND #status IN ({', '.join(expected_values)})",
                ExpressionAttributeNames={**names, "#run": "run", "#status": "status"},
                ExpressionAttributeValues=_values({**values, **expected_values, ":run": run}))
        except ClientError as error:
            if is_conditional_failure(error):
                return False
            raise
        return True

    def count_chunk(self, ref: BatchRef, run: str, chunk: int, counts: ChunkCounts) -> dict[str, Any] | None:
        """Adds a chunk's counts once; returns the batch as it is now, or None if the chunk was counted before."""
        by_code = dict(counts.by_code)
        adds = ["#processed :processed", "#accepted :accepted", "#again :again", "#rejected :rejected"]
        sets = [f"rejectedByCode.#c{i} = if_not_exists(rejectedByCode.#c{i}, :zero) + :c{i}"
                for i in range(len(by_code))]
        update = "ADD " + ", ".join(adds) + (" SET " + ", ".join(sets) if sets else "")
        marker = {"pk": {"S": _run_key(ref, run)}, "sk": {"S": f"CHUNK#{chunk:06d}"},
                  "expires_at": {"N": str(int(time.time()) + CHUNK_TTL_SECONDS)}}
        try:
            call(self._db, "transact_write_items", failure=f"could not count a chunk of batch {ref.batch_id}",
                 TransactItems=[
                {"Put": {"TableName": self._table, "Item": marker, "ConditionExpression": "attribute_not_exists(pk)"}},
                {"Update": {
                    "TableName": self._table, "Key": _key(ref), "UpdateExpression": update,
                    "ConditionExpression": "#run = :run",
                    "ExpressionAttributeNames": {"#run": "run", "#processed": "processed", "#accepted": "accepted",
                                                 "#again": "alreadyPublished", "#rejected": "rejected",
                                                 **{f"#c{i}": c for i, c in enumerate(by_code)}},
                    "ExpressionAttributeValues": _values({
                        ":processed": counts.processed, ":accepted": counts.accepted,
                        ":again": counts.already_published, ":rejected": counts.rejected, ":run": run,
                        **({":zero": 0} if sets else {}),
                        **{f":c{i}": n for i, n in enumerate(by_code.values())}}),
                }},
            ])
        except ClientError as error:
            if "ConditionalCheckFailed" in cancellation_reasons(error):
                return None
            raise
        return self.get(ref)

    def lease_chunk(self, ref: BatchRef, run: str, chunk: int, *, seconds: int) -> ChunkLease | None:
        """Takes the chunk until ``seconds`` from now unless another delivery holds it (TransientError);
        None when the chunk was counted already. The first lease fixes the chunk's receipt time."""
        now_ms = int(time.time() * 1000)
        token = uuid.uuid4().hex
        key = {"pk": {"S": _run_key(ref, run)}, "sk": {"S": f"LEASE#{chunk:06d}"}}
        try:
            item = call(
                self._db, "update_item", failure=f"could not lease chunk {chunk} of batch {ref.batch_id}",
                TableName=self._table, Key=key, ReturnValues="ALL_NEW",
                UpdateExpression="SET received_ms = if_not_exists(received_ms, :now), lease_until = :until, "
                                 "holder = :token, expires_at = :ttl ADD attempts :one",
                ConditionExpression="attribute_not_exists(lease_until) OR lease_until <= :now",
                ExpressionAttributeValues={":now": {"N": str(now_ms)}, ":until": {"N": str(now_ms + seconds * 1000)},
                                           ":token": {"S": token}, ":one": {"N": "1"},
                                           ":ttl": {"N": str(now_ms // 1000 + CHUNK_TTL_SECONDS)}})["Attributes"]
        except ClientError as error:
            if is_conditional_failure(error):  # held: the delivery comes back once the lease has ended
                raise TransientError(f"chunk {chunk} of batch {ref.batch_id} is being published by another "
                                     "delivery") from None
            raise
        attempt = int(item["attempts"]["N"])
        if attempt > 1 and self._counted(ref, run, chunk):
            return None
        return ChunkLease(datetime.fromtimestamp(int(item["received_ms"]["N"]) / 1000, UTC), attempt, token)

    def release_chunk(self, ref: BatchRef, run: str, chunk: int, lease: ChunkLease) -> None:
        """Gives the chunk back at once (a failed delivery: the next may take it without waiting)."""
        try:
            self._db.update_item(
                TableName=self._table, Key={"pk": {"S": _run_key(ref, run)}, "sk": {"S": f"LEASE#{chunk:06d}"}},
                UpdateExpression="SET lease_until = :zero", ConditionExpression="holder = :token",
                ExpressionAttributeValues={":zero": {"N": "0"}, ":token": {"S": lease.token}})
        except (ClientError, BotoCoreError):
            return  # its lease ends by itself

    def _counted(self, ref: BatchRef, run: str, chunk: int) -> bool:
        return "Item" in call(
            self._db, "get_item", failure=f"could not read chunk {chunk} of batch {ref.batch_id}",
            TableName=self._table, ConsistentRead=True,
            Key={"pk": {"S": _run_key(ref, run)}, "sk": {"S": f"CHUNK#{chunk:06d}"}})

    def evidence_keys(self) -> list[dict[str, str]]:
        keys: list[dict[str, str]] = []
        with classified("could not list the evidence keys"):
            for page in self._db.get_paginator("query").paginate(
                    TableName=self._table, KeyConditionExpression="pk = :pk",
                    ExpressionAttributeValues={":pk": {"S": EVIDENCE_KEYS}}):
                keys += [json.loads(item["jwk"]["S"]) for item in page["Items"]]
        return keys
