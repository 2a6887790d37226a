"""When the scheduled notifications fall due, by calendar day (UTC), with a clock passed in.

- the daily digest of day D lists the messages received on D; it runs the next morning;
- a reminder goes out on the 15th day after receipt (received on the 1st: reminded on the 16th), if
  the message is still unread;
- an alert goes out 7 days before the expiration day, if the message is still unread."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ebox.domain.errors import InvalidInput
from ebox.domain.validity import parse_timestamp

REMINDER_AFTER_DAYS = 15
EXPIRATION_ALERT_DAYS = 7


@dataclass(frozen=True)
class DueMessage:
    """What a day index tells of a message: whose, which partition, read or not."""

    enterprise_number: str
    message_id: str
    partition: str
    read: bool


@dataclass(frozen=True)
class BackfillPage:
    updated: int
    more: bool  # stopped at its budget: run it again (what is done no longer matches its filter)
    resume: str | None = None  # where a paged run goes on (backfill_index_keys_page); None: nothing left


BACKFILL_SCAN_MAX = 5000


def parse_index_backfill(data: Any) -> tuple[str | None, int]:
    """An index backfill step's body: none, or ``{"resume": "<from the last step>", "items": 1..5000}`` →
    (where to start, items scanned this step; default 1,000)."""
    if data is None or data == {}:
        return None, 1000
    if not isinstance(data, dict) or not set(data) <= {"resume", "items"}:
        raise InvalidInput('an index backfill\'s body is empty or {"resume": "...", "items": 1..5000}')
    resume, items = data.get("resume"), data.get("items", 1000)
    if not (resume is None or isinstance(resume, str) and 0 < len(resume) <= 2048) \
            or not isinstance(items, int) or isinstance(items, bool) or not 1 <= items <= BACKFILL_SCAN_MAX:
        raise InvalidInput(f"resume is what the last step answered, items 1 to {BACKFILL_SCAN_MAX}")
    return resume, items


def day_of(timestamp: str) -> date:
    """The UTC calendar day of an e-Box timestamp."""
    return parse_timestamp(timestamp, field_name="date").astimezone(UTC).date()


def digest_day(today: date) -> date:
    return today - timedelta(days=1)


def reminder_receipt_day(today: date) -> date:
    """Messages received on this day are reminded today."""
    return today - timedelta(days=REMINDER_AFTER_DAYS)


def alert_expiration_day(today: date) -> date:
    """Messages expiring on this day are announced today."""
    return today + timedelta(days=EXPIRATION_ALERT_DAYS)


def job_day(value: object, *, now: datetime) -> date:
    """The day a scheduled job runs for: ``today`` of its input (an operator re-running a missed day,
    or the local stack's time travel), else the clock's UTC day."""
    if value is None:
        return now.astimezone(UTC).date()
    if not isinstance(value, str):
        raise InvalidInput("today must be a date YYYY-MM-DD")
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise InvalidInput(f"today must be a date YYYY-MM-DD, not {value!r}") from None
