"""The statistics' charts, PNG and SVG (matplotlib, the CLI's optional `charts` dependency): documents
per year (bars), new e-Boxes per month (a line), each sender's variation from the year before (bars)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display

import matplotlib.pyplot as plt  # noqa: E402 - after choosing the backend
from matplotlib.figure import Figure  # noqa: E402

FORMATS = ("png", "svg")
MAX_SENDERS = 40  # the largest senders of the year, when there are more


def _documents_per_year(tables: dict[str, Any]) -> Figure | None:
    rows = tables.get("documentsPerYear") or []
    if not rows:
        return None
    figure, axes = plt.subplots(figsize=(7, 4))
    bars = axes.bar([str(r["year"]) for r in rows], [r["documents"] for r in rows], color="#1f6fb2")
    axes.bar_label(bars, labels=[f"{r['documents']:,}" for r in rows], padding=2)
    axes.set_title("Documents published per year")
    axes.set_ylabel("documents")
    return figure


def _new_eboxes_per_month(tables: dict[str, Any]) -> Figure | None:
    rows = tables.get("newEboxesPerMonth") or []
    if not rows:
        return None
    figure, axes = plt.subplots(figsize=(9, 4))
    axes.plot([r["month"] for r in rows], [r["activated"] for r in rows], marker="o", color="#2a9d5c")
    axes.set_title("New e-Boxes per month")
    axes.set_ylabel("e-Boxes activated")
    axes.tick_params(axis="x", labelrotation=60, labelsize=8)
    axes.set_ylim(bottom=0)
    return figure


def _sender_variation(tables: dict[str, Any]) -> Figure | None:
    rows = [r for r in tables.get("documentsPerSenderPerYear") or [] if r.get("variationPercent") is not None]
    if not rows:
        return None
    year = max(r["year"] for r in rows)
    largest = sorted((r for r in rows if r["year"] == year), key=lambda r: r["documents"])[-MAX_SENDERS:]
    latest = sorted(largest, key=lambda r: r["variationPercent"])
    figure, axes = plt.subplots(figsize=(8, max(3.0, 0.3 * len(latest) + 1)))
    values = [r["variationPercent"] for r in latest]
    axes.barh([r.get("name") or r["organizationId"] for r in latest], values,
              color=["#c0392b" if v < 0 else "#1f6fb2" for v in values])
    axes.axvline(0, color="black", linewidth=0.8)
    axes.set_title(f"Documents per sender: {year} against {year - 1} (%)")
    axes.set_xlabel("variation (%)")
    axes.tick_params(axis="y", labelsize=8)
    return figure


CHARTS = {"documents-per-year": _documents_per_year, "new-eboxes-per-month": _new_eboxes_per_month,
          "sender-variation": _sender_variation}


def write_charts(tables: dict[str, Any], directory: Path) -> list[Path]:
    """Each chart the tables have data for, as <name>.png and <name>.svg in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, draw in CHARTS.items():
        figure = draw(tables)
        if figure is None:
            continue
        figure.tight_layout()
        for extension in FORMATS:
            path = directory / f"{name}.{extension}"
            figure.savefig(path, dpi=110, metadata={"Date": None} if extension == "svg" else None)
            written.append(path)
        plt.close(figure)
    return written
