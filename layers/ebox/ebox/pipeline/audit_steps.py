"""Record-evidence step: every message event is written once to the message's audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ebox import observability
from ebox.domain.audit_entries import audit_entry
from ebox.domain.ports import AuditTrail, EvidenceArchive, EvidenceLog, Timestamper


@dataclass(frozen=True)
class AuditPorts:
    index: EvidenceLog
    evidence_archive: EvidenceArchive
    timestamper: Timestamper | None  # None: no TSA is configured
    audit: AuditTrail


def archive_evidence(message_id: str, ports: AuditPorts) -> int:
    """Archives the message's records not yet archived (with a TSA token when a TSA is configured);
    returns how many. A retry re-archives only what is still marked unarchived."""
    archived = 0
    for record in ports.index.unarchived_evidence(message_id):
        token = ports.timestamper.timestamp(record.jws.encode("ascii")) if ports.timestamper else None
        ports.evidence_archive.archive(record, token)
        ports.index.mark_archived(record)
        archived += 1
    observability.count(observability.EVIDENCE_WRITTEN, archived)
    return archived


def record_event(event: dict[str, Any], ports: AuditPorts) -> bool:
    """Writes the EventBridge ``event`` to the audit trail; False when it was already there (the same
    publication announced twice is one entry: ebox.domain.audit_entries)."""
    detail = event["detail"]
    archive_evidence(detail["messageId"], ports)
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
