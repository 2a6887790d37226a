"""DynamoDB Streams event source mappings: one thread per mapping reads its table's stream (moto's, or
DynamoDB Local's beside LocalStack) and calls the function with the Lambda DynamoDB event, as the SQS
pollers do for queues. Records that do not match the mapping's FilterCriteria are skipped (Lambda does
not invoke for them); a batch whose handler raises is delivered again, as Lambda retries a stream batch
until it succeeds (the consumer is idempotent). `deliver_inline` is the same delivery without a
thread, for the tests' in-process moto: the records of a write reach the function before the write's
answer does, so that what derives from a publication is there when the test looks."""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from ebox_local.functions import invoke
from ebox_local.model import LocalFunction, StreamMapping

logger = logging.getLogger("ebox_local")
STALE_ITERATOR = ("TrimmedDataAccessException", "ExpiredIteratorException", "ResourceNotFoundException")
Invoker = Callable[[LocalFunction, Any], Any]


def matches(pattern: Any, value: Any) -> bool:
    """Lambda's event filtering, for what mappings use: exact values, `prefix`, `exists`, nested objects."""
    if isinstance(pattern, dict):
        if not isinstance(value, dict):
            return False
        return all(matches(sub, value.get(key)) for key, sub in pattern.items())
    if isinstance(pattern, list):
        return any(_matches_one(rule, value) for rule in pattern)
    return bool(pattern == value)


def _matches_one(rule: Any, value: Any) -> bool:
    if isinstance(rule, dict):
        if "prefix" in rule:
            return isinstance(value, str) and value.startswith(rule["prefix"])
        if "exists" in rule:
            return (value is not None) == bool(rule["exists"])
        return False
    return bool(rule == value)


def wanted(mapping: StreamMapping, record: dict[str, Any]) -> bool:
    return not mapping.filters or any(matches(f, record) for f in mapping.filters)


class WindowAnswerMissing(RuntimeError):
    """A function under a tumbling window answered without a ``state``: Lambda counts the batch as failed."""


def stream_event(records: list[dict[str, Any]], mapping: StreamMapping, region: str,
                 shard_id: str | None = None) -> dict[str, Any]:
    """The event Lambda builds from GetRecords' answer. Under a tumbling window (TumblingWindowInSeconds) it
    also names the records' shard, the window and the state the last invocation answered (here always
    empty: the window's final invocation, records-free, is not emulated)."""
    event: dict[str, Any] = {"Records": [{
        "eventID": r.get("eventID"), "eventName": r.get("eventName"), "eventVersion": r.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb", "awsRegion": region, "dynamodb": _plain(r.get("dynamodb", {})),
        "eventSourceARN": mapping.stream_arn,
    } for r in records]}
    if mapping.tumbling_window_seconds:
        seconds = mapping.tumbling_window_seconds
        start = int(time.time()) // seconds * seconds
        event.update({"shardId": shard_id, "eventSourceARN": mapping.stream_arn, "state": {},
                      "window": {"start": _iso(start), "end": _iso(start + seconds)},
                      "isFinalInvokeForWindow": False, "isWindowTerminatedEarly": False})
    return event


def _iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _deliver(invoker: Invoker, function: LocalFunction, mapping: StreamMapping, event: dict[str, Any]) -> None:
    answer = invoker(function, event)
    if mapping.tumbling_window_seconds and not (isinstance(answer, dict) and "state" in answer):
        raise WindowAnswerMissing(f"{mapping.function} answered no state under a tumbling window: {answer!r}")


def _plain(dynamodb: dict[str, Any]) -> dict[str, Any]:
    """GetRecords answers datetimes (boto3 parsed them); Lambda's event carries epoch seconds."""
    when = dynamodb.get("ApproximateCreationDateTime")
    if when is not None and hasattr(when, "timestamp"):
        dynamodb = dict(dynamodb, ApproximateCreationDateTime=when.timestamp())
    return json.loads(json.dumps(dynamodb, default=_json_value))


def _json_value(value: Any) -> Any:
    """Lambda's event carries a binary attribute (``B``) as base64 text; boto3 hands GetRecords' as bytes."""
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    return str(value)


class StreamPoller(threading.Thread):
    def __init__(self, mapping: StreamMapping, function: LocalFunction, streams: Any, region: str, *,
                 interval: float = 0.1, invoker: Invoker = invoke) -> None:
        super().__init__(name=f"stream-{function.logical_id}", daemon=True)
        self.mapping = mapping
        self._function = function
        self._streams = streams
        self._region = region
        self._interval = interval
        self._invoke = invoker
        self._stopping = threading.Event()
        self._iterators: dict[str, str | None] = {}
        self.invocations = 0
        self.caught_up = threading.Event()  # set when a read found nothing new (for benches and tools)
        self.paused = threading.Event()  # set: reads nothing until cleared (a bench times the API alone)
        self._reading = threading.Lock()  # held by a read and its delivery

    def stop(self) -> None:
        self._stopping.set()

    def pause(self) -> None:
        """Reads nothing more once the read under way (if any) has been delivered."""
        self.paused.set()
        with self._reading:
            pass

    def skip_to_end(self) -> None:
        """Moves past every record the stream holds now, undelivered; then reads again."""
        with self._reading:
            for shard in self._shards():
                self._iterators[shard] = self._streams.get_shard_iterator(
                    StreamArn=self.mapping.stream_arn, ShardId=shard, ShardIteratorType="LATEST")["ShardIterator"]
        self.paused.clear()

    def run(self) -> None:
        while not self._stopping.is_set():
            if self.paused.is_set():
                self._stopping.wait(self._interval)
                continue
            try:
                with self._reading:
                    read = 0 if self.paused.is_set() else self.poll_once()
                if read:
                    self.caught_up.clear()
                else:
                    self.caught_up.set()
                    self._stopping.wait(self._interval)
            except Exception:  # noqa: BLE001 - the poller outlives a failed read or handler, as Lambda's does
                if self._stopping.is_set():
                    return
                logger.warning("stream %s: delivery failed, retried", self.name, exc_info=True)
                self._stopping.wait(1)

    def _shards(self) -> list[str]:
        description = self._streams.describe_stream(StreamArn=self.mapping.stream_arn)["StreamDescription"]
        for shard in description.get("Shards", []):
            if shard["ShardId"] not in self._iterators:
                self._iterators[shard["ShardId"]] = self._streams.get_shard_iterator(
                    StreamArn=self.mapping.stream_arn, ShardId=shard["ShardId"],
                    ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        return [s for s, it in self._iterators.items() if it]

    def poll_once(self) -> int:
        """Reads each shard once and delivers what matches; returns how many records were read. A shard's
        iterator moves on only once its batch was delivered: a failure reads the same records again."""
        read = 0
        for shard in self._shards():
            try:
                answer = self._streams.get_records(ShardIterator=self._iterators[shard],
                                                   Limit=self.mapping.batch_size)
            except self._streams.exceptions.ClientError as error:
                if error.response.get("Error", {}).get("Code") not in STALE_ITERATOR:
                    raise
                # DynamoDB Local trims and rolls its shards: read the shard again from its oldest record
                # (the consumer is idempotent), or forget it once it is gone.
                del self._iterators[shard]
                continue
            records = answer.get("Records", [])
            batch = [r for r in records if wanted(self.mapping, r)]
            if batch:
                self.invocations += 1
                _deliver(self._invoke, self._function, self.mapping,
                         stream_event(batch, self.mapping, self._region, shard))
            self._iterators[shard] = answer.get("NextShardIterator")
            read += len(records)
        return read


@contextmanager
def consumed_already(pollers: Iterable[StreamPoller]) -> Iterator[None]:
    """Writes made inside are a state their stream's consumers have already seen (a bench that writes an
    e-Box's messages and counters directly, as publication and its outbox would have left them): the pollers
    skip their records instead of delivering them afterwards."""
    pollers = list(pollers)
    for poller in pollers:
        poller.pause()
    try:
        yield
    finally:
        for poller in pollers:
            poller.skip_to_end()


def deliver_inline(mapping: StreamMapping, function: LocalFunction, records: list[dict[str, Any]], region: str,
                   invoker: Invoker = invoke, *, shard_id: str | None = None) -> None:
    batch = [r for r in records if wanted(mapping, r)]
    if batch:
        _deliver(invoker, function, mapping, stream_event(batch, mapping, region, shard_id))


def start_stream_pollers(provisioned: Any, region: str, *, endpoint_url: str | None = None,
                         interval: float = 0.1) -> list[StreamPoller]:
    """One started poller per stream mapping, reading through ``endpoint_url`` (DynamoDB's endpoint)."""
    import boto3

    streams = boto3.session.Session(region_name=region).client("dynamodbstreams", endpoint_url=endpoint_url)
    pollers = [StreamPoller(mapping, provisioned.functions[mapping.function], streams, region, interval=interval)
               for mapping in provisioned.stream_mappings]
    for poller in pollers:
        poller.start()
    return pollers
