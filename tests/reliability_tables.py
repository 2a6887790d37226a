"""The tables of docs/reliability.md that fault-injection modules produce, each between its own markers
(``<!-- <name> -->`` … ``<!-- /<name> -->``): a row per AWS call, a column per fault of tests.faults."""

from __future__ import annotations

from pathlib import Path

from tests.faults import FAULTS

DOC = Path(__file__).resolve().parents[1] / "docs" / "reliability.md"


def render(rows: list[str], outcomes: dict[tuple[str, str], str]) -> str:
    lines = ["| call | " + " | ".join(FAULTS) + " |", "|---" * (len(FAULTS) + 1) + "|"]
    lines += [f"| {row} | " + " | ".join(outcomes[(row, kind)] for kind in FAULTS) + " |" for row in rows]
    return "\n".join(lines)


def replace_section(name: str, rows: list[str], outcomes: dict[tuple[str, str], str], *, write: bool) -> bool:
    """Whether the page holds this table (written first when ``write``)."""
    begin, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    text = DOC.read_text(encoding="utf-8")
    before, found, rest = text.partition(begin)
    if not found:
        raise AssertionError(f"docs/reliability.md has no {begin} … {end} section")
    after = rest.partition(end)[2]
    wanted = f"{before}{begin}\n\n{render(rows, outcomes)}\n\n{end}{after}"
    if write:
        DOC.write_text(wanted, encoding="utf-8")
    return DOC.read_text(encoding="utf-8") == wanted
