"""The statistics' counters in their DynamoDB table (ebox.domain.statistics).

| item    | pk              | sk        | served access pattern                                        |
|---------|-----------------|-----------|--------------------------------------------------------------|
| counter | STATS#<shard>   | <key>     | UpdateItem ADD (in a transaction with the fact's marker);    |
|         |                 |           | Query per shard (8): every counter, or a sender's (begins_with|
|         |                 |           | SENDER#<org>#): a bounded number of items, never a message  |
| marker  | MARK#<fact>     | MARK      | conditional Put: a fact (publication, first read, outcome,   |
|         |                 |           | activation) counted once; expires after MARKER_DAYS, longer  |
|         |                 |           | than an event can wait in a queue and its dead-letter queue  |
| state   | EBOX#<ebox id>  | STATE     | GetItem + conditional Update: the e-Box's digital-only       |
|         |                 |           | preference (and when it was set), the month of its last read |
"""

from __future__ import annotations

import random
import time
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ebox.adapters.aws_errors import CONDITIONAL_FAILURES, call, cancellation_reasons, error_code, raise_classified
from ebox.domain.errors import TransientError
from ebox.domain.statistics import (
    EBOXES,
    SHARDS,
    Activity,
    Counter,
    CountOnce,
    Increment,
    PreferenceChange,
    active_key,
    merge_increments,
    shard_of,
)

MARKER_DAYS = 35  # SQS keeps a message 14 days, its dead-letter queue 14 more
FACTS_PER_TRANSACTION = 25  # 25 markers and their merged increments stay under the 100-item limit
ATTEMPTS = 8


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _counter_key(key: str, shard: int) -> dict[str, Any]:
    return {"pk": _s(f"STATS#{shard}"), "sk": _s(key)}


def _state_key(ebox_id: str) -> dict[str, Any]:
    return {"pk": _s(f"EBOX#{ebox_id}"), "sk": _s("STATE")}


class DynamoStatistics:
    def __init__(self, dynamodb_client: Any, *, table: str) -> None:
        self._db = dynamodb_client
        self._table = table

    # ------------------------------------------------------------------ facts counted once
    def count_once(self, facts: list[CountOnce]) -> int:
        unique = list({f.marker: f for f in facts}.values())
        return sum(self._count_chunk(unique[i : i + FACTS_PER_TRANSACTION])
                   for i in range(0, len(unique), FACTS_PER_TRANSACTION))

    def _count_chunk(self, facts: list[CountOnce]) -> int:
        expires = int(time.time()) + MARKER_DAYS * 86400
        for attempt in range(ATTEMPTS):
            if not facts:
                return 0
            items = [{"Put": {"TableName": self._table, "ConditionExpression": "attribute_not_exists(pk)",
                              "Item": {"pk": _s(f"MARK#{f.marker}"), "sk": _s("MARK"),
                                       "expires_at": {"N": str(expires)}}}} for f in facts]
            items += [self._add(inc) for inc in merge_increments(facts)]
            reasons = self._transact(items)
            if reasons is None:
                return len(facts)
            counted = [code not in CONDITIONAL_FAILURES for code in reasons[: len(facts)]]
            if all(counted):  # a conflict with a concurrent writer, not a fact already counted
                _pause(attempt)
            facts = [f for f, new in zip(facts, counted, strict=False) if new]
        raise TransientError("statistics: the counters stayed busy; the events will be retried")

    def _add(self, inc: Increment) -> dict[str, Any]:
        names = {f"#c{i}": name for i, name in enumerate(inc.counts)}
        values = {f":c{i}": {"N": str(value)} for i, value in enumerate(inc.counts.values())}
        return {"Update": {"TableName": self._table, "Key": _counter_key(inc.key, inc.shard),
                           "UpdateExpression": "ADD " + ", ".join(f"#c{i} :c{i}" for i in range(len(names))),
                           "ExpressionAttributeNames": names, "ExpressionAttributeValues": values}}

    # ------------------------------------------------------------------ states that move a counter
    def change_preference(self, change: PreferenceChange) -> bool:
        shard = shard_of(change.ebox_id)
        for attempt in range(ATTEMPTS):
            state = self._state(change.ebox_id)
            seen_at = state.get("exclusively_at", {}).get("S")
            if seen_at is not None and seen_at >= change.changed_at:
                return False  # a duplicate, or older than what is recorded
            unchanged = bool(state.get("exclusively", {}).get("BOOL", False)) == change.exclusively
            condition, values = _as_seen("exclusively_at", seen_at)
            update = {"TableName": self._table, "Key": _state_key(change.ebox_id), "ConditionExpression": condition,
                      "UpdateExpression": "SET exclusively = :v, exclusively_at = :at",
                      "ExpressionAttributeValues": {":v": {"BOOL": change.exclusively}, ":at": _s(change.changed_at),
                                                    **values}}
            items: list[dict[str, Any]] = [{"Update": update}]
            if not unchanged:
                items.append(self._add(Increment(EBOXES, shard, {"exclusively": 1 if change.exclusively else -1})))
            if self._transact(items) is None:
                return not unchanged
            _pause(attempt)
        raise TransientError(f"statistics: e-Box {change.ebox_id}'s preference kept changing; will be retried")

    def record_activity(self, activity: Activity) -> bool:
        shard = shard_of(activity.ebox_id)
        for attempt in range(ATTEMPTS):
            last = self._state(activity.ebox_id).get("last_active", {}).get("S")
            if last is not None and last >= activity.month:
                return False
            condition, values = _as_seen("last_active", last)
            items: list[dict[str, Any]] = [
                {"Update": {"TableName": self._table, "Key": _state_key(activity.ebox_id),
                            "UpdateExpression": "SET last_active = :m", "ConditionExpression": condition,
                            "ExpressionAttributeValues": {":m": _s(activity.month), **values}}},
                self._add(Increment(active_key(activity.month), shard, {"eboxes": 1})),
            ]
            if last is not None:
                items.append(self._add(Increment(active_key(last), shard, {"eboxes": -1})))
            if self._transact(items) is None:
                return True
            _pause(attempt)
        raise TransientError(f"statistics: e-Box {activity.ebox_id}'s activity kept changing; will be retried")

    def _state(self, ebox_id: str) -> dict[str, Any]:
        answer = self._call("get_item", TableName=self._table, Key=_state_key(ebox_id), ConsistentRead=True)
        return dict(answer.get("Item") or {})

    # ------------------------------------------------------------------ reading
    def counters(self, prefix: str = "") -> list[Counter]:
        summed: dict[str, Counter] = {}
        for shard in range(SHARDS):
            condition = "pk = :pk" + (" AND begins_with(sk, :prefix)" if prefix else "")
            values = {":pk": _s(f"STATS#{shard}"), **({":prefix": _s(prefix)} if prefix else {})}
            query: dict[str, Any] = {"TableName": self._table, "KeyConditionExpression": condition,
                                     "ExpressionAttributeValues": values}
            while True:
                page = self._call("query", **query)
                for item in page.get("Items", []):
                    key = item["sk"]["S"]
                    counts = {name: int(value["N"]) for name, value in item.items() if "N" in value}
                    summed.setdefault(key, Counter(key)).add(counts)
                if "LastEvaluatedKey" not in page:
                    break
                query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return [summed[key] for key in sorted(summed)]

    # ------------------------------------------------------------------ calls
    def _transact(self, items: list[dict[str, Any]]) -> list[str | None] | None:
        """Writes the items atomically; None when written, else the cancellation reason of each item."""
        try:
            self._db.transact_write_items(TransactItems=items)
        except ClientError as error:
            if error_code(error) != "TransactionCanceledException":
                raise_classified(error)
            return cancellation_reasons(error) or [None] * len(items)
        except BotoCoreError as error:
            raise_classified(error)
        return None

    def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        return call(self._db, operation, **params)


def _as_seen(attribute: str, seen: str | None) -> tuple[str, dict[str, Any]]:
    """The condition that the state is still what was read (so two writers never both move a counter)."""
    if seen is None:
        return f"attribute_not_exists({attribute})", {}
    return f"{attribute} = :seen", {":seen": _s(seen)}


def _pause(attempt: int) -> None:
    time.sleep(random.uniform(0, 0.05 * 2**attempt))  # noqa: S311 - jitter, not a secret
