"""The transactional outbox: what derives from a publication, read from the messages table's stream.

A publication is one DynamoDB transaction (ebox.adapters.message_index.DynamoMessageIndex.add). The
table streams each new message item; this consumer, one batch at a time:

- puts `MessagePublished` on the bus, ten entries per PutEvents (a failure fails the batch: Lambda
  delivers it again, so a crash between the write and the announcement loses nothing);
- adds the messages to their e-Box's and partition's counters, once: each counter remembers the last
  stream sequence number it counted, and an update for records it already counted is refused;
- links a reply to the message it answers.

Every step is idempotent or at-least-once-safe (event consumers already take EventBridge's duplicates),
so a replayed batch changes nothing it already did, except that its events may go out twice."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ebox.domain.message import Message
from ebox.wiring import Services


def published_messages(records: Iterable[dict[str, Any]]) -> list[tuple[str, Message]]:
    """(stream sequence number, message) of each new message item among the stream records."""
    from ebox.adapters.inbox_pages import to_message
    from ebox.adapters.tables import MessageItem

    found = []
    for record in records:
        image = record.get("dynamodb", {}).get("NewImage")
        if record.get("eventName") != "INSERT" or not image:
            continue
        if not image.get("sk", {}).get("S", "").startswith("MSG#") or not image.get("pk", {}).get("S", "").startswith(
                "EBOX#"):
            continue
        found.append((str(record["dynamodb"]["SequenceNumber"]), to_message(MessageItem.from_raw_data(image))))
    return found


def relay(records: list[dict[str, Any]], services: Services) -> dict[str, int]:
    """Applies one stream batch; raises (and Lambda retries the batch) if any step failed."""
    published = published_messages(records)
    if not published:
        return {"messages": 0}
    services.index.count_published(published)
    services.index.link_replies([m for _, m in published if m.is_reply])
    events = services.outbox_events
    for _, message in published:
        events.message_published(message)
    events.flush()
    return {"messages": len(published)}
