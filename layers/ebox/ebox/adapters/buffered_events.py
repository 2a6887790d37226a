"""Message events collected while a chunk of bulk lines is published, then put on the bus ten at a
time (PutEvents' limit): one call per ten messages instead of one per message."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ebox.adapters.aws_errors import call
from ebox.adapters.message_events import SOURCE, EventBridgeMessageEvents
from ebox.domain.errors import TransientError

logger = logging.getLogger(__name__)
PUT_EVENTS_LIMIT = 10


class BufferedMessageEvents(EventBridgeMessageEvents):
    def __init__(self, events_client: Any, *, bus_name: str) -> None:
        super().__init__(events_client, bus_name=bus_name)
        self._pending: list[dict[str, Any]] = []

    def _put(self, detail_type: str, detail: dict[str, Any], *, source: str = SOURCE, strict: bool = False) -> None:
        self._pending.append({"Source": source, "DetailType": detail_type, "Detail": json.dumps(detail),
                              "EventBusName": self._bus})
        if len(self._pending) >= PUT_EVENTS_LIMIT:
            self.flush()

    def announce(self, detail_type: str, detail: dict[str, Any], *, source: str) -> None:
        """An event of another source than messages' (so that the audit trail's rule does not take it)."""
        self._pending.append({"Source": source, "DetailType": detail_type, "Detail": json.dumps(detail),
                              "EventBusName": self._bus})
        self.flush()

    def _batches(self) -> Iterator[list[dict[str, Any]]]:
        """What is pending, taken off the buffer, in PutEvents-sized batches."""
        entries, self._pending = self._pending, []
        for start in range(0, len(entries), PUT_EVENTS_LIMIT):
            yield entries[start : start + PUT_EVENTS_LIMIT]

    def flush(self) -> None:
        for batch in self._batches():
            try:
                response = self._events.put_events(Entries=batch)
            except (ClientError, BotoCoreError):
                # As for single publications: the messages are published; the events are what is lost.
                logger.exception("%d event(s) were not delivered: %s", len(batch),
                                 [json.loads(e["Detail"]).get("messageId") for e in batch])
                continue
            for entry, answer in zip(batch, response.get("Entries", []), strict=False):
                if answer.get("ErrorCode"):
                    logger.error("event %s for %s was refused: %s", entry["DetailType"],
                                 json.loads(entry["Detail"]).get("messageId"), answer)


class OutboxEvents(BufferedMessageEvents):
    """The outbox's events: a refused or failed PutEvents raises, so that the stream batch is retried."""

    def flush(self) -> None:
        for batch in self._batches():
            response = call(self._events, "put_events", failure=f"the bus did not take {len(batch)} event(s)",
                            Entries=batch)
            if response.get("FailedEntryCount"):
                raise TransientError(f"the bus refused {response['FailedEntryCount']} of {len(batch)} event(s)")
