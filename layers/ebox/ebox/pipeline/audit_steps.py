"""Record-evidence step: every message event is written once to the message's audit trail."""

from __future__ import annotations

from typing import Any

from ebox.wiring import Services


def archive_evidence(message_id: str, services: Services) -> int:
    """Archives the message's records not yet archived (with a TSA token when a TSA is configured);
    returns how many. A retry re-archives only what is still marked unarchived."""
    archived = 0
    for record in services.index.unarchived_evidence(message_id):
        token = services.timestamper.timestamp(record.jws.encode("ascii")) if services.timestamper else None
        services.evidence_archive.archive(record, token)
        services.index.mark_archived(record)
        archived += 1
    return archived


def record_event(event: dict[str, Any], services: Services) -> bool:
    """Writes the EventBridge ``event`` to the audit trail; False when it was already there."""
    detail = event["detail"]
    archive_evidence(detail["messageId"], services)
    return bool(
        services.audit.record(
            message_id=detail["messageId"],
            event_type=event["detail-type"],
            event_id=event["id"],
            occurred_at=event["time"],
            detail=detail,
        )
    )
