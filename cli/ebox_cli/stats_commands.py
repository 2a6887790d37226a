"""`ebox stats`: the platform's statistics (docs/statistics.md) as tables, CSV files or charts."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ebox_cli import options, output
from ebox_cli.options import DEFAULT_API, ApiUrl, AsJson, ClientId, Secret

TITLES = {
    "eboxes": "e-Boxes",
    "documentsPerYear": "Documents published per year",
    "documentsPerSenderPerYear": "Documents per sender per year",
    "newEboxesPerMonth": "New e-Boxes per month",
    "senders": "Per sender: reads and registered outcomes",
}

# Short column headings for the terminal (CSV keeps the JSON names).
HEADINGS = {
    "organizationId": "sender", "variationPercent": "var. %", "readRatePercent": "read %",
    "averageHoursToFirstRead": "h to read", "registered.published": "registered", "registered.read": "reg. read",
    "qualified.published": "qualified", "qualified.accepted": "accepted", "qualified.refused": "refused",
    "qualified.expired": "expired", "qualified.failed": "failed", "qualified.pending": "pending",
    "activatedEnterprises": "enterprises", "activatedCitizens": "citizens", "activeLast12Months": "active 12 m",
    "digitalOnly": "digital only", "window.from": "from", "window.to": "to",
}


def flat_rows(table: Any) -> list[dict[str, Any]]:
    """A table's rows with nested objects flattened (``qualified.accepted``): what CSV and Rich show."""
    rows = table if isinstance(table, list) else [table]
    flat = []
    for row in rows:
        line: dict[str, Any] = {}
        for name, value in row.items():
            if isinstance(value, dict):
                line.update({f"{name}.{inner}": v for inner, v in value.items()})
            else:
                line[name] = value
        flat.append(line)
    return flat


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:+.1f}" if value < 0 else f"{value:.1f}"
    return str(value)


def rich_table(name: str, table: Any) -> Table:
    rows = flat_rows(table)
    shown = Table(title=TITLES.get(name, name), title_justify="left")
    columns = list(dict.fromkeys(column for row in rows for column in row))
    for column in columns:
        left = column in ("name", "organizationId", "month")
        shown.add_column(HEADINGS.get(column, column), justify="left" if left else "right")
    for row in rows:
        shown.add_row(*(_cell(row.get(column)) for column in columns))
    return shown


def write_csv(tables: dict[str, Any], directory: Path) -> list[Path]:
    """One CSV file per table, named after it (``senders.csv``, …)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in tables.items():
        rows = flat_rows(table)
        if not rows:
            continue
        path = directory / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, fieldnames=list(dict.fromkeys(c for row in rows for c in row)))
            writer.writeheader()
            writer.writerows(rows)
        written.append(path)
    return written


def stats(
    sender: Annotated[bool, typer.Option("--sender", help="A sender's own figures (a sender's client).")] = False,
    organization: Annotated[str | None, typer.Option("--organization", help="An operator: this sender's figures.")]
    = None,
    csv_dir: Annotated[Path | None, typer.Option("--csv", help="Also write one CSV file per table into DIR.",
                                                 metavar="DIR")] = None,
    charts_dir: Annotated[Path | None, typer.Option("--charts", help="Also write the charts (PNG and SVG) into DIR.",
                                                    metavar="DIR")] = None,
    api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None, as_json: AsJson = False,
) -> None:
    """The statistics: e-Boxes, documents per year and per sender, new e-Boxes per month, reads and outcomes
    (a platform operator's client, e.g. ops-admin; a sender's with --sender)."""
    with options.reported():
        tables = options.client(api, client_id, client_secret).statistics(sender=sender, organization=organization)
    tables = {name: value for name, value in tables.items() if name != "organizationId"}
    if as_json:
        options.print_json(tables)
    else:
        console = output.console()
        for name, table in tables.items():
            console.print(rich_table(name, table) if flat_rows(table) else f"{TITLES.get(name, name)}: none yet")
    if csv_dir is not None:
        for path in write_csv(tables, csv_dir):
            output.console(stderr=True).print(f"wrote {path}")
    if charts_dir is not None:
        try:
            from ebox_cli import stats_charts
        except ImportError:
            output.console(stderr=True).print("[red]--charts needs matplotlib: pip install 'ebox-enterprise[charts]'")
            raise typer.Exit(code=1) from None
        for path in stats_charts.write_charts(tables, charts_dir):
            output.console(stderr=True).print(f"wrote {path}")
