"""The one clock of the e-Box: what time it is, as a datetime (UTC) or as an e-Box timestamp."""

from __future__ import annotations

from datetime import UTC, date, datetime

from ebox.domain.validity import format_timestamp


def now() -> datetime:
    """The current instant, in UTC."""
    return datetime.now(UTC)


def now_timestamp() -> str:
    """The current instant as an e-Box timestamp (ISO 8601, UTC)."""
    return format_timestamp(now())


def today() -> date:
    """The current calendar day, in UTC."""
    return now().date()
