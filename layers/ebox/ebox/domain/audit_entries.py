"""Which audit-trail entry a message event on the bus is: the same fact announced twice is one entry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ONCE_PER_MESSAGE = frozenset({"MessagePublished"})
"""Events that happen once in a message's life."""


@dataclass(frozen=True)
class AuditEntry:
    occurred_at: str
    entry_id: str


def audit_entry(event: dict[str, Any]) -> AuditEntry:
    """A publication is known by its type and the message's receipt date: the outbox announces it again
    when its stream batch is retried after a put whose answer was lost (a new EventBridge id, perhaps
    another second), and the trail must hold it once. Any other event is known by EventBridge's id."""
    detail_type = str(event["detail-type"])
    receipt = event.get("detail", {}).get("receiptDate")
    if detail_type in ONCE_PER_MESSAGE and receipt:
        return AuditEntry(str(receipt), detail_type)
    return AuditEntry(str(event["time"]), str(event["id"]))
