"""Dates of the e-Box: receipt and expiration, written as the API writes them (UTC, seconds)."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta

from ebox.domain.errors import InvalidInput
from ebox.domain.limits import check_moment
from ebox.domain.registry import ValidityPeriod


def format_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(text: str, *, field_name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"{field_name} '{text}' is not a date-time like 2027-01-31T23:59:59Z") from None
    return check_moment(field_name, moment)


def add_validity(start: datetime, period: ValidityPeriod) -> datetime:
    if period.unit == "day":
        return start + timedelta(days=period.number)
    months = period.number * (12 if period.unit == "year" else 1)
    if period.unit not in ("month", "year"):
        raise ValueError(f"unknown validity unit {period.unit}")
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day)


def expiration_for(receipt: datetime, period: ValidityPeriod, requested: str | None) -> datetime:
    """The message type's validity sets the latest expiration; a sender may ask for an earlier one."""
    latest = add_validity(receipt, period)
    if requested is None:
        return latest
    asked = parse_timestamp(requested, field_name="expirationDate")
    if asked <= receipt:
        raise InvalidInput(f"expirationDate {requested} is not in the future")
    return min(asked, latest)
