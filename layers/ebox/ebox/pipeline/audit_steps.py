"""Record-evidence step: every message event is written once to the message's audit trail. (Its signed
evidence records are archived from the table's stream: ebox.pipeline.evidence_archiving.)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ebox.domain.audit_entries import audit_entry
from ebox.domain.ports import AuditTrail


@dataclass(frozen=True)
class AuditPorts:
    audit: AuditTrail


def record_event(event: dict[str, Any], ports: AuditPorts) -> bool:
    """Writes the EventBridge ``event`` to the audit trail; False when it was already there (the same
    publication announced twice is one entry: ebox.domain.audit_entries)."""
    detail = event["detail"]
    entry = audit_entry(event)
    return bool(
        ports.audit.record(
            message_id=detail["messageId"],
            event_type=event["detail-type"],
            event_id=entry.entry_id,
            occurred_at=entry.occurred_at,
            detail=detail,
        )
    )
