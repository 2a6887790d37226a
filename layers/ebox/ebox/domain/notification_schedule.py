"""When the scheduled notifications fall due, by calendar day (UTC), with a clock passed in.

- the daily digest of day D lists the messages received on D; it runs the next morning;
- a reminder goes out on the 15th day after receipt (received on the 1st: reminded on the 16th), if
  the message is still unread;
- an alert goes out 7 days before the expiration day, if the message is still unread."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

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
