"""The statistics' tables, as the e-Box's own report shows them, assembled from the counters.

Every figure is a sum or a ratio of counters (ebox.domain.statistics): reading them costs a bounded
number of items whatever the number of messages. Ratios are rounded to one decimal at the end only.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ebox.domain.statistics import EBOXES, LEVELS, Counter, StatisticsStore

OUTCOME_NAMES = ("accepted", "refused", "expired", "failed")
TABLES = ("eboxes", "documentsPerYear", "documentsPerSenderPerYear", "newEboxesPerMonth", "senders")


def last_months(today: date, count: int = 12) -> list[str]:
    """The ``count`` calendar months that end with today's, oldest first (YYYY-MM)."""
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _months_between(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    return months


def variation(current: int, previous: int | None) -> float | None:
    """The change from the previous year, in %, one decimal; None without a previous year to compare."""
    if not previous:
        return None
    return round((current - previous) * 100 / previous, 1)


def _by_prefix(counters: list[Counter], prefix: str) -> dict[str, dict[str, int]]:
    return {c.key.removeprefix(prefix): c.counts for c in counters if c.key.startswith(prefix)}


def _sender_rows(counters: list[Counter], names: Mapping[str, str]) -> list[dict[str, Any]]:
    by_sender: dict[str, dict[str, dict[str, int]]] = {}
    for key, counts in _by_prefix(counters, "SENDER#").items():
        organization, _, year = key.partition("#")
        by_sender.setdefault(organization, {})[year] = counts
    rows = []
    for organization in sorted(by_sender):
        years = by_sender[organization]
        for year in sorted(years):
            rows.append(_sender_row(organization, names.get(organization), year, years[year],
                                    years.get(str(int(year) - 1))))
    return rows


def _sender_row(organization: str, name: str | None, year: str, counts: dict[str, int],
                previous: dict[str, int] | None) -> dict[str, Any]:
    published = {level: counts.get(f"published_{level}", 0) for level in LEVELS}
    read = {level: counts.get(f"read_{level}", 0) for level in LEVELS}
    total, total_read = sum(published.values()), sum(read.values())
    outcomes = {name: counts.get(name, 0) for name in OUTCOME_NAMES}
    return {
        "organizationId": organization,
        "name": name,
        "year": int(year),
        "documents": total,
        "previousYearDocuments": sum(previous.get(f"published_{lv}", 0) for lv in LEVELS) if previous else None,
        "read": total_read,
        "readRatePercent": round(total_read * 100 / total, 1) if total else None,
        "averageHoursToFirstRead": round(counts.get("read_seconds", 0) / 3600 / total_read, 1) if total_read else None,
        "registered": {"published": published["registered"], "read": read["registered"]},
        "qualified": {"published": published["qualified"], **outcomes,
                      "pending": published["qualified"] - sum(outcomes.values())},
    }


def build_tables(counters: list[Counter], *, today: date, names: Mapping[str, str] | None = None,
                 with_eboxes: bool = True) -> dict[str, Any]:
    """The JSON of ``GET /admin/v1/statistics``: one object per table (a sender's own: without the
    platform-wide e-Box tables)."""
    names = names or {}
    senders = _sender_rows(counters, names)
    tables: dict[str, Any] = {}
    if with_eboxes:
        eboxes = next((c.counts for c in counters if c.key == EBOXES), {})
        active = _by_prefix(counters, "ACTIVE#")
        window = last_months(today)
        tables["eboxes"] = {
            "activated": eboxes.get("activated", 0),
            "activatedEnterprises": eboxes.get("activated_enterprise", 0),
            "activatedCitizens": eboxes.get("activated_citizen", 0),
            "activeLast12Months": sum(active.get(m, {}).get("eboxes", 0) for m in window),
            "digitalOnly": eboxes.get("exclusively", 0),
            "window": {"from": window[0], "to": window[-1]},
        }
        years = _by_prefix(counters, "YEAR#")
        published = {int(y): counts.get("published", 0) for y, counts in years.items()}
        tables["documentsPerYear"] = [
            {"year": y, "documents": n, "variationPercent": variation(n, published.get(y - 1))}
            for y, n in sorted(published.items())]
    tables["documentsPerSenderPerYear"] = [
        {"organizationId": r["organizationId"], "name": r["name"], "year": r["year"], "documents": r["documents"],
         "variationPercent": variation(r["documents"], r["previousYearDocuments"])} for r in senders]
    if with_eboxes:
        new = _by_prefix(counters, "NEW#")
        months = _months_between(min(new), max(new)) if new else []
        tables["newEboxesPerMonth"] = [{"month": m, "activated": new.get(m, {}).get("activated", 0)} for m in months]
    tables["senders"] = [{k: v for k, v in r.items() if k != "previousYearDocuments"} for r in senders]
    return tables


def platform_statistics(store: StatisticsStore, names: Mapping[str, str], *, today: date) -> dict[str, Any]:
    """Every table, for a platform operator."""
    return build_tables(store.counters(), today=today, names=names)


def sender_statistics(store: StatisticsStore, organization: str, names: Mapping[str, str], *,
                      today: date) -> dict[str, Any]:
    """A sender's own figures: its documents per year and its outcomes, no one else's."""
    tables = build_tables(store.counters(f"SENDER#{organization}#"), today=today, names=names, with_eboxes=False)
    return {"organizationId": organization, **tables}
