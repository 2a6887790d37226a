"""Publications counted from the messages table's stream into the statistics' counters, without a marker per
message (ebox.domain.statistics.StreamedPublications; docs/decisions/0026).

A stream batch comes from one shard; within a shard the records are in order and their sequence numbers grow,
across shards they are not comparable. So each counter item keeps, per stream shard that counted into it, the
last sequence number it counted: the attribute ``seen#<shard tag>`` holds ``<sequence, 40 digits>@<epoch>``
(a string, so that reading the counters, which sums the numbers, ignores it; it sorts as its sequence).

| item    | pk            | sk    | served access pattern                                              |
|---------|---------------|-------|--------------------------------------------------------------------|
| counter | STATS#<shard> | <key> | UpdateItem: ADD the batch's counts, SET its shard's mark, on      |
|         |               |       | condition that the mark is before the batch's first record        |

One UpdateItem per counter and batch. Refused, it reads the mark and counts only the records after it: a batch
delivered again counts nothing, a bisected half or a batch that starts before the mark only what is new. A
counter that stays busy fails the batch (TransientError: Lambda delivers it again).

A stream shard counts into statistics shard ``shard_of(<stream shard>)``: a batch writes one item per counter
key, and an item holds the marks of about an eighth of the stream's shards. Shards close every few hours and
the stream keeps a record 24 hours, so a mark older than that can refuse nothing any more: the next update of
its item that knows of it (from an earlier answer) removes it, and the item stays one write unit.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ebox.adapters.aws_errors import call, is_conditional_failure, raise_classified
from ebox.adapters.statistics_store import DynamoStatistics
from ebox.domain.errors import TransientError
from ebox.domain.statistics import CountOnce, shard_of

MARK = "seen#"
MARK_LIFETIME_SECONDS = 25 * 3600  # the stream's 24 h retention, and an hour to spare
ATTEMPTS = 6
SEQUENCE_DIGITS = 40  # a stream sequence number has 21 to 40 digits: zero-filled, they sort as numbers


@dataclass(frozen=True)
class _Record:
    sequence: str
    counts: dict[str, int]


def mark_of(stream_shard: str) -> str:
    """The attribute that holds a stream shard's mark (a short digest: shard ids are 30 to 65 characters)."""
    return MARK + hashlib.sha256(stream_shard.encode()).hexdigest()[:16]


def _sequence(mark: str) -> str:
    return mark.split("@", 1)[0]


class DynamoStreamedCounters:
    def __init__(self, dynamodb_client: Any, *, table: str, clock: Callable[[], float] = time.time) -> None:
        self._db = dynamodb_client
        self._table = table
        self._clock = clock
        self._expired: dict[tuple[str, int], set[str]] = {}  # per counter item: marks seen past their lifetime

    def count_streamed(self, stream_shard: str | None, publications: list[tuple[str, CountOnce]]) -> int:
        if not publications:
            return 0
        if stream_shard is None:  # no shard id in the event: count each by its marker, as from the bus
            return DynamoStatistics(self._db, table=self._table).count_once([fact for _, fact in publications])
        records: dict[str, list[_Record]] = {}
        for sequence, fact in publications:
            for increment in fact.increments:
                records.setdefault(increment.key, []).append(
                    _Record(sequence.zfill(SEQUENCE_DIGITS), dict(increment.counts)))
        shard, mark = shard_of(stream_shard), mark_of(stream_shard)
        new: set[str] = set()
        for key, touching in records.items():
            new.update(self._count(key, shard, mark, sorted(touching, key=lambda r: r.sequence)))
        return len(new)

    def _count(self, key: str, shard: int, mark: str, records: list[_Record]) -> list[str]:
        """Adds the records the counter has not counted from this shard; returns their sequence numbers."""
        for attempt in range(ATTEMPTS):
            if not records:
                return []
            try:
                answer = self._db.update_item(**self._update(key, shard, mark, records))
            except ClientError as error:
                if not is_conditional_failure(error):
                    raise_classified(error, f"statistics: could not count the publications into {key}")
                counted = self._mark(key, shard, mark)
                after = [r for r in records if counted is None or r.sequence > counted]
                if len(after) == len(records):  # the mark moved meanwhile, not past these records: try again
                    _pause(attempt)
                records = after
                continue
            except BotoCoreError as error:
                raise_classified(error, f"statistics: could not count the publications into {key}")
            self._note_expired(key, shard, mark, answer.get("Attributes", {}))
            return [r.sequence for r in records]
        raise TransientError(f"statistics: counter {key} kept moving; the stream batch will be delivered again")

    def _update(self, key: str, shard: int, mark: str, records: list[_Record]) -> dict[str, Any]:
        totals: dict[str, int] = {}
        for record in records:
            for name, value in record.counts.items():
                totals[name] = totals.get(name, 0) + value
        names = {"#m": mark, **{f"#c{i}": name for i, name in enumerate(totals)}}
        values: dict[str, Any] = {":first": {"S": records[0].sequence},
                                  ":mark": {"S": f"{records[-1].sequence}@{int(self._clock())}"},
                                  **{f":c{i}": {"N": str(v)} for i, v in enumerate(totals.values())}}
        expired = sorted(self._expired.pop((key, shard), set()) - {mark})
        names.update({f"#x{i}": name for i, name in enumerate(expired)})
        expression = "SET #m = :mark ADD " + ", ".join(f"#c{i} :c{i}" for i in range(len(totals)))
        if expired:
            expression += " REMOVE " + ", ".join(f"#x{i}" for i in range(len(expired)))
        return {"TableName": self._table, "Key": _key(key, shard), "UpdateExpression": expression,
                "ConditionExpression": "attribute_not_exists(#m) OR #m < :first",
                "ExpressionAttributeNames": names, "ExpressionAttributeValues": values, "ReturnValues": "ALL_NEW"}

    def _mark(self, key: str, shard: int, mark: str) -> str | None:
        """The last sequence number the counter counted from the shard (None: none yet)."""
        item = call(self._db, "get_item", TableName=self._table, Key=_key(key, shard), ConsistentRead=True,
                    ProjectionExpression="#m", ExpressionAttributeNames={"#m": mark},
                    failure=f"statistics: could not read counter {key}").get("Item") or {}
        value = item.get(mark, {}).get("S")
        return None if value is None else _sequence(value)

    def _note_expired(self, key: str, shard: int, mark: str, item: dict[str, Any]) -> None:
        """Remembers the item's marks too old to refuse anything, for its next update to remove."""
        oldest = self._clock() - MARK_LIFETIME_SECONDS
        expired = {name for name, value in item.items()
                   if name.startswith(MARK) and name != mark and _written_at(value.get("S", "")) < oldest}
        if expired:
            self._expired[(key, shard)] = expired


def _written_at(mark: str) -> float:
    _, _, at = mark.partition("@")
    return float(at) if at.isdigit() else float("inf")


def _key(key: str, shard: int) -> dict[str, Any]:
    return {"pk": {"S": f"STATS#{shard}"}, "sk": {"S": key}}


def _pause(attempt: int) -> None:
    time.sleep(random.uniform(0, 0.05 * 2**attempt))  # noqa: S311 - jitter, not a secret
