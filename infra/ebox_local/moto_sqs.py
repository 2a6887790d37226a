"""moto 5.2.5's SQS slows down with its backlog: every receive checks each message it hands out against the
queue's retention period through `get_queue_attributes`, and every send reads `ContentBasedDeduplication`
from `Queue.attributes` up to three times, and each of those builds all the queue's attributes, the
approximate message counts included, each a pass over every message held. A queue 5,000 messages behind
took 2.5 s per ReceiveMessage and 88 ms per SendMessage, so a consumer that lagged (a bulk import's e-mail,
statistics and audit queues) fell further behind the more it lagged.

The local stack's moto (`install` when it starts, `uninstall` when it stops) counts a queue's messages only
when a GetQueueAttributes asks for the counts, and checks the retention period from the queue itself. What
each call answers is what moto answers."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from moto.core.utils import camelcase_to_underscores, unix_time
from moto.sqs.models import Message, Queue, SQSBackend

_COUNTS = ("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed",
           "ApproximateNumberOfMessagesNotVisible")
_ORIGINAL_ATTRIBUTES = Queue.__dict__["attributes"]
_ORIGINAL_GET_ATTRIBUTES = SQSBackend.__dict__["get_queue_attributes"]
_ORIGINAL_RETENTION_CHECK = SQSBackend.__dict__["is_message_valid_based_on_retention_period"]
_wanted = threading.local()


@contextmanager
def _counts_wanted() -> Iterator[None]:
    previous = getattr(_wanted, "counts", False)
    _wanted.counts = True
    try:
        yield
    finally:
        _wanted.counts = previous


def _attributes(queue: Queue) -> dict[str, Any]:
    """moto 5.2.5's `Queue.attributes`, the message counts left out unless a GetQueueAttributes asks."""
    counted = getattr(_wanted, "counts", False)
    names = [name for name in Queue.BASE_ATTRIBUTES if counted or name not in _COUNTS]
    if queue.fifo_queue:
        names += Queue.FIFO_ATTRIBUTES
    if queue.kms_master_key_id:  # type: ignore[attr-defined]
        names += Queue.KMS_ATTRIBUTES
    result: dict[str, Any] = {name: getattr(queue, camelcase_to_underscores(name)) for name in names}
    if queue.policy:  # type: ignore[attr-defined]
        result["Policy"] = queue.policy  # type: ignore[attr-defined]
    if queue.redrive_policy:
        result["RedrivePolicy"] = json.dumps(queue.redrive_policy)
    return {name: str(value).lower() if isinstance(value, bool) else value for name, value in result.items()}


def _get_queue_attributes(backend: SQSBackend, queue_name: str, attribute_names: list[str]) -> dict[str, Any]:
    if not set(attribute_names) & {"All", *_COUNTS}:
        return dict(_ORIGINAL_GET_ATTRIBUTES(backend, queue_name, attribute_names))
    with _counts_wanted():
        return dict(_ORIGINAL_GET_ATTRIBUTES(backend, queue_name, attribute_names))


def _retained(backend: SQSBackend, queue_name: str, message: Message) -> bool:
    retention_period = int(backend.get_queue(queue_name).message_retention_period)  # type: ignore[attr-defined]
    return bool(retention_period + message.sent_timestamp / 1000 > unix_time())  # type: ignore[operator]


def install() -> None:
    Queue.attributes = property(_attributes)  # type: ignore[assignment, method-assign]
    SQSBackend.get_queue_attributes = _get_queue_attributes  # type: ignore[assignment, method-assign]
    SQSBackend.is_message_valid_based_on_retention_period = _retained  # type: ignore[assignment, method-assign]


def uninstall() -> None:
    Queue.attributes = _ORIGINAL_ATTRIBUTES  # type: ignore[assignment, method-assign]
    SQSBackend.get_queue_attributes = _ORIGINAL_GET_ATTRIBUTES  # type: ignore[assignment, method-assign]
    SQSBackend.is_message_valid_based_on_retention_period = _ORIGINAL_RETENTION_CHECK  # type: ignore[assignment, method-assign]
