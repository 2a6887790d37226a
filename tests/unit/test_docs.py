"""The docs guide: a short README that keeps CI's commands and maps every page of docs/ (decision records
through docs/decisions/), and no link in the README or docs/ that leads nowhere."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
LINK = re.compile(r"\]\(([^)\s]+)\)")


def pages() -> list[Path]:
    return [README, *sorted(DOCS.rglob("*.md"))]


def test_the_readme_stays_short_and_keeps_the_commands_ci_runs():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 250
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for command in re.findall(r"^(make [\w-]+)$", ci, flags=re.MULTILINE):
        assert re.search(rf"^{re.escape(command)}\s", text, flags=re.MULTILINE), command


def test_every_relative_link_leads_to_a_file():
    broken = []
    for page in pages():
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            if not (page.parent / target.split("#")[0]).exists():
                broken.append(f"{page.relative_to(ROOT)} → {target}")
    assert broken == []


def test_the_readme_maps_every_docs_page():
    text = README.read_text(encoding="utf-8")
    unmapped = [p.relative_to(ROOT).as_posix() for p in DOCS.glob("*.md")
                if p.relative_to(ROOT).as_posix() not in text]
    assert unmapped == []
