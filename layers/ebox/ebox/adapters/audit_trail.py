"""The audit trail, items of the messages table (see ebox.adapters.tables)."""

from __future__ import annotations

from typing import Any

from ebox.adapters.aws_errors import put_if_absent
from ebox.adapters.tables.message_items import AuditEventItem


class DynamoAuditTrail:
    def record(self, *, message_id: str, event_type: str, event_id: str, occurred_at: str,
               detail: dict[str, Any]) -> bool:
        item = AuditEventItem(
            f"MSG#{message_id}", f"AUDIT#{occurred_at}#{event_id}", event=event_type, occurred_at=occurred_at,
            detail=detail,
        )
        return put_if_absent(item, failure=f"could not record {event_type} for {message_id}")

    def events(self, message_id: str) -> list[dict[str, Any]]:
        return [
            {"event": i.event, "occurredAt": i.occurred_at, "detail": i.detail}
            for i in AuditEventItem.query(f"MSG#{message_id}", AuditEventItem.sk.startswith("AUDIT#"))
        ]
