"""The messages table's DynamoDB stream, read back as the messages each publication wrote (the outbox's
input: ebox.pipeline.outbox)."""

from __future__ import annotations

from typing import Any

from ebox.adapters.inbox_pages import to_message
from ebox.adapters.tables.message_items import MessageItem
from ebox.domain.message import Message


class DynamoMessageStream:
    def published(self, records: list[dict[str, Any]]) -> list[tuple[str, Message]]:
        """(stream sequence number, message) of each new message item among the stream records; other items
        of the table (evidence, claims, counters) and updates are not publications."""
        found = []
        for record in records:
            image = record.get("dynamodb", {}).get("NewImage")
            if record.get("eventName") != "INSERT" or not image:
                continue
            if not image.get("sk", {}).get("S", "").startswith("MSG#") or \
                    not image.get("pk", {}).get("S", "").startswith("EBOX#"):
                continue
            found.append((str(record["dynamodb"]["SequenceNumber"]), to_message(MessageItem.from_raw_data(image))))
        return found
