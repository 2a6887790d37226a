"""`ebox stats`: the statistics' tables printed, exported as CSV, drawn as PNG and SVG charts."""

from __future__ import annotations

import csv

from tests.cli.conftest import SENDER, Run
from tests.cli.fake_api import FakeApi, status_message

OPERATOR = SENDER  # the fake API checks no scope: any known client
SENDER_ROWS = [
    {"organizationId": "0406798006", "name": "ONSS", "year": 2025, "documents": 800, "variationPercent": None},
    {"organizationId": "0406798006", "name": "ONSS", "year": 2026, "documents": 1000, "variationPercent": 25.0},
    {"organizationId": "0200068636", "name": "SPF Finances", "year": 2026, "documents": 300, "variationPercent": None},
]
OUTCOMES = [{"organizationId": "0406798006", "name": "ONSS", "year": 2026, "documents": 1000, "read": 640,
             "readRatePercent": 64.0, "averageHoursToFirstRead": 51.5, "registered": {"published": 40, "read": 30},
             "qualified": {"published": 10, "accepted": 6, "refused": 1, "expired": 1, "failed": 0, "pending": 2}}]
TABLES = {
    "eboxes": {"activated": 3120, "activatedEnterprises": 2900, "activatedCitizens": 220, "activeLast12Months": 2875,
               "digitalOnly": 940, "window": {"from": "2025-12", "to": "2026-11"}},
    "documentsPerYear": [{"year": 2025, "documents": 800, "variationPercent": None},
                         {"year": 2026, "documents": 1300, "variationPercent": 62.5}],
    "documentsPerSenderPerYear": SENDER_ROWS,
    "newEboxesPerMonth": [{"month": "2026-01", "activated": 200}, {"month": "2026-02", "activated": 260}],
    "senders": OUTCOMES,
}


def test_the_tables_are_printed(run: Run, api: FakeApi):
    api.answer("GET", "/admin/v1/statistics", 200, TABLES)
    result = run("stats", *OPERATOR)
    assert result.exit_code == 0, result.output
    for title in ("e-Boxes", "Documents published per year", "New e-Boxes per month", "SPF Finances", "2875", "62.5",
                  "accepted", "h to read"):
        assert title in result.output


def test_csv_writes_one_file_per_table(run: Run, api: FakeApi, tmp_path):
    api.answer("GET", "/admin/v1/statistics", 200, TABLES)
    assert run("stats", *OPERATOR, "--csv", str(tmp_path)).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{name}.csv" for name in TABLES)
    with (tmp_path / "senders.csv").open() as file:
        [row] = list(csv.DictReader(file))
    assert row["qualified.accepted"] == "6" and row["readRatePercent"] == "64.0"


def test_charts_are_written_as_png_and_svg(run: Run, api: FakeApi, tmp_path):
    api.answer("GET", "/admin/v1/statistics", 200, TABLES)
    result = run("stats", *OPERATOR, "--charts", str(tmp_path))
    assert result.exit_code == 0, result.output
    names = {p.name for p in tmp_path.iterdir()}
    assert names == {f"{chart}.{ext}" for chart in ("documents-per-year", "new-eboxes-per-month", "sender-variation")
                     for ext in ("png", "svg")}
    assert (tmp_path / "documents-per-year.png").read_bytes().startswith(b"\x89PNG")
    assert "<svg" in (tmp_path / "sender-variation.svg").read_text()


def test_a_sender_asks_for_its_own_figures(run: Run, api: FakeApi):
    api.answer("GET", "/admin/v1/statistics/sender", 200, {"organizationId": "0406798006",
                                                             "documentsPerSenderPerYear": SENDER_ROWS[:2],
                                                             "senders": OUTCOMES})
    result = run("stats", *SENDER, "--sender")
    assert result.exit_code == 0, result.output
    assert "Per sender" in result.output and "e-Boxes" not in result.output


def test_a_refusal_is_one_red_line(run: Run, api: FakeApi):
    api.answer("GET", "/admin/v1/statistics", *status_message(403, "FORBIDDEN", "this operation needs the scope x"))
    result = run("stats", *SENDER)
    assert result.exit_code == 1 and "scope" in result.output


def test_an_empty_table_says_so(run: Run, api: FakeApi):
    api.answer("GET", "/admin/v1/statistics/sender", 200, {"organizationId": "0406798006",
                                                             "documentsPerSenderPerYear": [], "senders": []})
    result = run("stats", *SENDER, "--sender")
    assert result.exit_code == 0 and "Per sender: reads and registered outcomes: none yet" in result.output
