"""The cost of a million simple messages before e-mail, computed from what the bench counted: every AWS call
made while publishing (synchronous, in the API) and while the derived work ran (asynchronous: the outbox
consumer and whatever it feeds), DynamoDB writes priced by the size of each item written and by the
indexes whose keys it carries. List prices, eu-west-1, on-demand, no free tier (check them before
relying on them)."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PRICES = {  # USD per unit
    "apigateway_rest_request": 3.50 / 1e6,
    "lambda_request": 0.20 / 1e6,
    "lambda_gb_second_arm": 0.0000133334,
    "s3_put": 0.005 / 1000,  # PUT, COPY, POST, LIST, DeleteObjects
    "s3_get": 0.0004 / 1000,
    "dynamodb_wru": 0.7068 / 1e6,
    "dynamodb_rru": 0.1413 / 1e6,
    "kms_request_ecc": 0.15 / 10_000,
    "eventbridge_event": 1.00 / 1e6,
    "sqs_request": 0.40 / 1e6,
    "sfn_transition": 0.025 / 1000,
}
API_MEMORY_GB = 1.0  # template.yaml: ApiFunction MemorySize 1024
# Billed time of the API per publication, assumed (not measured on AWS): a fixed part for parsing, the
# token check and signing, plus one round trip per synchronous AWS call.
API_FIXED_SECONDS, API_SECONDS_PER_CALL = 0.020, 0.015
# An asynchronous consumer's invocation (a batch), assumed: the template's 512 MB for 0.2 s.
CONSUMER_GB, CONSUMER_SECONDS = 0.5, 0.2
S3_PUT_OPERATIONS = {"PutObject", "CopyObject", "DeleteObjects", "CreateMultipartUpload", "UploadPart",
                     "CompleteMultipartUpload", "ListObjectsV2", "PutObjectRetention"}
ROOT = Path(__file__).resolve().parent.parent


def _indexes() -> list[tuple[str, ...]]:
    """The key attributes of each global secondary index of the messages table (template.yaml)."""
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    template = yaml.load((ROOT / "template.yaml").read_text(), Loader=Loader)  # noqa: S506 - SafeLoader subclass
    table = template["Resources"]["MessagesTable"]["Properties"]
    return [tuple(k["AttributeName"] for k in index["KeySchema"]) for index in table.get("GlobalSecondaryIndexes", [])]


def attribute_size(value: dict[str, Any]) -> int:
    """DynamoDB's size of one typed attribute value (bytes), as its pricing counts it."""
    (kind, inner), = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        return math.ceil(len(re.sub(r"[^0-9]", "", str(inner)).lstrip("0") or "0") / 2) + 1
    if kind == "B":
        return len(inner)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(1 + attribute_size(v) for v in inner)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + attribute_size(v) for k, v in inner.items())
    if kind in ("SS", "NS", "BS"):
        return sum(len(str(v)) for v in inner)
    return 0


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode()) + attribute_size(value) for name, value in item.items())


def _kind(item: dict[str, Any]) -> str:
    """What an item is, for the breakdown: its sort key's (or else its partition key's) first word."""
    for name in ("sk", "SK", "pk", "PK"):
        value = item.get(name, {}).get("S")
        if value:
            return value.split("#", 1)[0]
    return "?"


def _kb(size: int) -> int:
    return max(1, math.ceil(size / 1024))


@dataclass
class Meter:
    """Counts what costs: calls by operation, DynamoDB write and read units, EventBridge entries."""

    calls: Counter[str] = field(default_factory=Counter)
    wru: float = 0.0
    rru: float = 0.0
    events: int = 0
    largest_item: int = 0
    units: Counter[str] = field(default_factory=Counter)  # write units by operation and kind of item
    indexes: list[tuple[str, ...]] = field(default_factory=_indexes)

    def _put(self, item: dict[str, Any], factor: int, operation: str) -> None:
        size = item_size(item)
        self.largest_item = max(self.largest_item, size)
        units = factor * _kb(size) + sum(1 for keys in self.indexes if all(k in item for k in keys))  # slim: 1 KB
        self.wru += units
        self.units[f"{operation} {_kind(item)}"] += units

    def _update(self, units: int, operation: str, key: dict[str, Any] | None) -> None:
        self.wru += units
        self.units[f"{operation} {_kind(key or {})}"] += units

    def observe(self, service: str, operation: str, params: dict[str, Any]) -> None:
        self.calls[f"{service}:{operation}"] += 1
        if service == "events" and operation == "PutEvents":
            self.events += len(params.get("Entries", []))
        if service != "dynamodb":
            return
        if operation == "PutItem":
            self._put(params["Item"], 1, operation)
        elif operation in ("UpdateItem", "DeleteItem"):
            self._update(1, operation, params.get("Key"))
        elif operation == "BatchWriteItem":
            for requests in params.get("RequestItems", {}).values():
                for request in requests:
                    if "PutRequest" in request:
                        self._put(request["PutRequest"]["Item"], 1, operation)
                    else:
                        self._update(1, operation, request.get("DeleteRequest", {}).get("Key"))
        elif operation == "TransactWriteItems":
            for entry in params.get("TransactItems", []):
                if "Put" in entry:
                    self._put(entry["Put"]["Item"], 2, operation)
                else:
                    (inner,) = entry.values()
                    self._update(2, operation, inner.get("Key"))
        elif operation == "GetItem":
            self.rru += 1 if params.get("ConsistentRead") else 0.5
        elif operation in ("Query", "Scan", "BatchGetItem"):
            self.rru += 1
        elif operation == "TransactGetItems":
            self.rru += 2 * len(params.get("TransactItems", []))


@dataclass(frozen=True)
class CostRow:
    what: str
    per_message: float
    unit_price: float

    @property
    def per_million(self) -> float:
        return self.per_message * self.unit_price * 1e6


def cost_rows(sync: Meter, derived: Meter, messages: int, *, consumer_invocations: int = 0) -> list[CostRow]:
    """Per million simple messages, before e-mail, from the counted calls of ``messages`` publications."""
    per = 1 / messages
    both = sync.calls + derived.calls
    sync_calls = sum(sync.calls.values()) * per

    def count(service: str, operations: set[str] | None = None) -> float:
        return sum(n for name, n in both.items()
                   if name.split(":")[0] == service and (operations is None or name.split(":")[1] in operations)) * per

    rows = [
        CostRow("API Gateway REST request", 1, PRICES["apigateway_rest_request"]),
        CostRow("Lambda requests (API; each consumer batch: outbox, evidence archive, e-mail, audit)",
                1 + consumer_invocations * per, PRICES["lambda_request"]),
        CostRow(f"Lambda compute, API {API_MEMORY_GB:g} GB × ({API_FIXED_SECONDS * 1000:.0f} ms + "
                f"{API_SECONDS_PER_CALL * 1000:.0f} ms per synchronous call), GB-s",
                API_MEMORY_GB * (API_FIXED_SECONDS + API_SECONDS_PER_CALL * sync_calls),
                PRICES["lambda_gb_second_arm"]),
        CostRow(f"Lambda compute, consumers {CONSUMER_GB:g} GB × {CONSUMER_SECONDS:g} s per batch, GB-s",
                consumer_invocations * per * CONSUMER_GB * CONSUMER_SECONDS, PRICES["lambda_gb_second_arm"]),
        CostRow("S3 PUT/COPY/DELETE/LIST", count("s3", S3_PUT_OPERATIONS), PRICES["s3_put"]),
        CostRow("S3 GET/HEAD", count("s3") - count("s3", S3_PUT_OPERATIONS), PRICES["s3_get"]),
        CostRow("DynamoDB write units, the publication's transaction (item sizes ×2, one per index written)",
                sync.wru * per, PRICES["dynamodb_wru"]),
        CostRow("DynamoDB write units, derived (counters, audit, notification claim, archive entries)",
                derived.wru * per, PRICES["dynamodb_wru"]),
        CostRow("DynamoDB read units", (sync.rru + derived.rru) * per, PRICES["dynamodb_rru"]),
        CostRow("KMS requests (ECC)", count("kms"), PRICES["kms_request_ecc"]),
        CostRow("EventBridge events", (sync.events + derived.events) * per, PRICES["eventbridge_event"]),
        CostRow("SQS requests", count("sqs"), PRICES["sqs_request"]),
    ]
    return [r for r in rows if r.per_message]


def total(rows: list[CostRow]) -> float:
    return sum(r.per_million for r in rows)
