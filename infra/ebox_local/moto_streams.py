"""moto 5.2.5's DynamoDB Streams, made to forget what its readers have read (installed with the bridges).

moto keeps every stream record of a table for the life of the process, each with its item's old and new
images (a bulk run of 100,000 lines writes ~500,000 of them: gigabytes), and every shard iterator it ever
handed out (one per GetRecords). DynamoDB keeps a record 24 hours and an iterator 15 minutes. Here:

- an iterator expires 15 minutes after it was handed out (`ExpiredIteratorException`), and is forgotten
  as soon as the iterator GetRecords returned after it has been read in turn (its reader moved on; Lambda's
  pollers, and ebox_local's, never read an iterator again once they read the next one);
- the records every live iterator of a shard has passed are trimmed: a new `TRIM_HORIZON` iterator starts
  at the oldest record kept, and reading before it answers `TrimmedDataAccessException`, as DynamoDB does
  for records older than 24 hours. A shard that no iterator reads keeps its records.

So the stream holds what its slowest reader has not read yet, instead of everything ever written."""

from __future__ import annotations

import time
from typing import Any

from moto.core.exceptions import JsonRESTError
from moto.dynamodb.models.table import StreamShard
from moto.dynamodbstreams.models import DynamoDBStreamsBackend, ShardIterator

from ebox_local import moto_dynamodb

ITERATOR_LIFETIME = 15 * 60.0  # seconds, as on DynamoDB Streams
_ORIGINAL_GET_SHARD_ITERATOR = DynamoDBStreamsBackend.get_shard_iterator
_ORIGINAL_GET_RECORDS = DynamoDBStreamsBackend.get_records
_ISSUED = "_ebox_local_issued"  # when an iterator was handed out (time.monotonic())
_PREVIOUS = "_ebox_local_previous"  # the iterator whose GetRecords handed this one out


class ExpiredIteratorError(JsonRESTError):
    def __init__(self) -> None:
        super().__init__("ExpiredIteratorException", "Iterator expired or unknown: get a new shard iterator")


class TrimmedDataAccessError(JsonRESTError):
    def __init__(self) -> None:
        super().__init__("TrimmedDataAccessException", "The records this iterator points at were trimmed")


def install() -> None:
    DynamoDBStreamsBackend.get_shard_iterator = _get_shard_iterator  # type: ignore[method-assign]
    DynamoDBStreamsBackend.get_records = _get_records  # type: ignore[method-assign]


def uninstall() -> None:
    DynamoDBStreamsBackend.get_shard_iterator = _ORIGINAL_GET_SHARD_ITERATOR  # type: ignore[method-assign]
    DynamoDBStreamsBackend.get_records = _ORIGINAL_GET_RECORDS  # type: ignore[method-assign]


def _get_shard_iterator(self: DynamoDBStreamsBackend, arn: str, shard_id: str, shard_iterator_type: str,
                        sequence_number: str | None = None) -> ShardIterator:
    with moto_dynamodb.stream_lock():
        _expire(self)
        iterator = _ORIGINAL_GET_SHARD_ITERATOR(self, arn, shard_id, shard_iterator_type, sequence_number)
        setattr(iterator, _ISSUED, time.monotonic())
        return iterator


def _get_records(self: DynamoDBStreamsBackend, iterator_arn: str, limit: int) -> dict[str, Any]:
    with moto_dynamodb.stream_lock():
        _expire(self)
        iterator = self.shard_iterators.get(iterator_arn)
        if iterator is None:
            raise ExpiredIteratorError
        shard = iterator.stream_shard
        if iterator.sequence_number < shard.starting_sequence_number:
            raise TrimmedDataAccessError
        answer: dict[str, Any] = iterator.get(limit)
        following = self.shard_iterators[answer["NextShardIterator"]]
        setattr(following, _ISSUED, time.monotonic())
        setattr(following, _PREVIOUS, iterator_arn)
        previous = getattr(iterator, _PREVIOUS, None)
        if previous is not None:  # its reader has read the one after it: it never comes back to it
            self.shard_iterators.pop(previous, None)
        _trim(self, shard)
        return answer


def _expire(backend: DynamoDBStreamsBackend) -> None:
    oldest = time.monotonic() - ITERATOR_LIFETIME
    for arn in [arn for arn, it in backend.shard_iterators.items() if getattr(it, _ISSUED, 0.0) < oldest]:
        del backend.shard_iterators[arn]


def _trim(backend: DynamoDBStreamsBackend, shard: StreamShard) -> None:
    """Drops the shard's records that come before every live iterator's position."""
    positions = [it.sequence_number for it in backend.shard_iterators.values() if it.stream_shard is shard]
    passed = min(positions, default=shard.starting_sequence_number) - shard.starting_sequence_number
    if passed > 0:
        del shard.items[:passed]
        shard.starting_sequence_number += passed
