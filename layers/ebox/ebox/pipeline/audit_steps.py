"""Record-evidence step: every message event is written once to the message's audit trail."""

from __future__ import annotations

from typing import Any

from ebox.wiring import Services


def record_event(event: dict[str, Any], services: Services) -> bool:
    """Writes the EventBridge ``event`` to the audit trail; False when it was already there."""
    detail = event["detail"]
    return bool(
        services.audit.record(
            message_id=detail["messageId"],
            event_type=event["detail-type"],
            event_id=event["id"],
            occurred_at=event["time"],
            detail=detail,
        )
    )
