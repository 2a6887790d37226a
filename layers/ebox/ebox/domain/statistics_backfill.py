"""Rebuilding the message counters from the messages table (docs/statistics.md, "Backfill"): for a
deployment whose counters started after its first messages, or were lost, or gain a new figure.

A run has two phases, each done a bounded page at a time and resumable from a saved cursor:

1. **wipe**: what the messages table can rebuild is removed from the statistics table: the counters of
   documents (YEAR#, SENDER#) and of activity (ACTIVE#), their facts' markers (PUBLISHED#, READ#, OUTCOME#)
   and each e-Box's last-read month. The e-Box counters (activations, new e-Boxes per month, digital-only)
   stay: the registry keeps no activation date to rebuild them from.
2. **replay**: each stored message becomes the facts its events made (:func:`message_facts`), counted by
   the statistics' own code (``record_facts``). Markers make a page replayed twice, or a live event of the
   same message, count once. A publication is replayed only for a message received before the run started
   (or in its first second): the outbox counts the later ones from the stream, where no marker is left.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from ebox.domain.errors import InvalidInput
from ebox.domain.statistics import MESSAGE_PUBLISHED, OUTCOMES, Fact, facts_of

WIPE, REPLAY, DONE = "wipe", "replay", "done"
REBUILT_COUNTERS = ("YEAR#", "SENDER#", "ACTIVE#")
REBUILT_MARKERS = ("MARK#PUBLISHED#", "MARK#READ#", "MARK#OUTCOME#")
MAX_PAGES = 20
_OUTCOME_EVENT = {outcome: detail_type for detail_type, outcome in OUTCOMES.items()}


@dataclass(frozen=True)
class StoredMessage:
    """What the statistics need of a message item."""

    message_id: str
    ebox_id: str
    receipt_date: str
    sender_organization_id: str
    level: str  # simple | registered | qualified
    read_at: str | None = None
    delivery_state: str | None = None  # a qualified delivery's outcome, once concluded


def message_facts(message: StoredMessage, *, published_before: str | None = None) -> list[Fact]:
    """The facts the message's bus events made (MessagePublished, its first MessageRead, a qualified outcome),
    derived from the same events so that a rebuilt counter equals the one kept incrementally. The publication
    is left out for a message received after ``published_before`` (the outbox counts it; timestamps are to
    the second, so a message of the run's first second is the replay's)."""
    detail: dict[str, Any] = {"messageId": message.message_id, "receiptDate": message.receipt_date,
                              "senderOrganizationId": message.sender_organization_id,
                              "registeredMailType": message.level, "eboxId": message.ebox_id}
    events = []
    if published_before is None or _instant(message.receipt_date) <= _instant(published_before):
        events.append({"detail-type": MESSAGE_PUBLISHED, "detail": detail})
    if message.read_at:
        events.append({"detail-type": "MessageRead", "detail": {**detail, "readAt": message.read_at}})
    if message.delivery_state in _OUTCOME_EVENT:
        events.append({"detail-type": _OUTCOME_EVENT[message.delivery_state], "detail": detail})
    return [fact for event in events for fact in facts_of(event)]


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


@dataclass(frozen=True)
class BackfillProgress:
    phase: str
    started_at: str
    cursor: str | None = None  # where the current phase's next page starts (None: at the beginning)
    removed: int = 0  # statistics items removed or reset by the wipe
    messages: int = 0  # messages replayed
    pages: int = 0
    version: int = 0  # optimistic lock: two runs at once do not both advance

    def advanced(self, **changes: Any) -> BackfillProgress:
        return replace(self, **changes, pages=self.pages + 1, version=self.version + 1)

    def view(self) -> dict[str, Any]:
        return {"phase": self.phase, "startedAt": self.started_at, "removed": self.removed,
                "messages": self.messages, "pages": self.pages, "done": self.phase == DONE}


def parse_backfill(data: Any) -> tuple[bool, int]:
    """A call's body: none, or ``{"restart": bool, "pages": 1..20}`` → (restart, pages this call)."""
    if data is None or data == {}:
        return False, 3
    if not isinstance(data, dict) or not set(data) <= {"restart", "pages"}:
        raise InvalidInput('a backfill\'s body is empty or {"restart": true|false, "pages": 1..20}')
    restart, pages = data.get("restart", False), data.get("pages", 3)
    if not isinstance(restart, bool) or not isinstance(pages, int) or isinstance(pages, bool) \
            or not 1 <= pages <= MAX_PAGES:
        raise InvalidInput(f"restart is true or false, pages 1 to {MAX_PAGES}")
    return restart, pages
