"""The web app's figures (`make bench`): the first load's compressed JavaScript and CSS, and how long an
inbox of 10,000 messages takes to open in Debian's headless Chromium on the local stack, beside the API's
own page time for the same request (the part of the wait that is not the browser's).

    python -m bench.web [--messages 10000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import gzip
import logging
import statistics
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "web" / "dist"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
BUDGET_KB = 200
OPEN_BUDGET_MS = 1000


def first_load_sizes(dist: Path = DIST) -> list[tuple[str, int, int]]:
    """(file, bytes, gzip bytes) of the JavaScript and CSS that index.html loads."""
    index = (dist / "index.html").read_text(encoding="utf-8")
    rows = []
    for asset in sorted((dist / "assets").iterdir()):
        if asset.suffix in (".js", ".css") and asset.name in index:
            data = asset.read_bytes()
            rows.append((asset.name, len(data), len(gzip.compress(data, compresslevel=9))))
    return rows


def _open_inbox_ms(page: Any, query: str) -> tuple[float, float]:
    """(ms from the address change to 20 rows on screen, ms of the API's answer within it)."""
    started = page.evaluate("(q) => { performance.clearResourceTimings(); const t = performance.now();"
                            " location.hash = '#/inbox?' + q; return t; }", query)
    page.wait_for_function("() => document.querySelectorAll('li.row').length >= 20"
                           " && !document.querySelector('.loading')")
    shown = page.evaluate("() => performance.now()")
    api = page.evaluate("() => performance.getEntriesByType('resource')"
                        ".filter(e => e.name.includes('/messageRegistry/v2/ebox/messages?'))"
                        ".map(e => e.responseEnd - e.requestStart)")
    return shown - started, (api[-1] if api else float("nan"))


def measure(messages: int, repeat: int) -> dict[str, Any]:
    from ebox_local.stack import LocalStack
    from playwright.sync_api import sync_playwright

    from bench.inbox import fill_ebox

    with LocalStack(ROOT / "template.yaml", port=0, moto_port=0) as stack:
        from ebox.wiring import services

        assert services().index is not None  # binds the tables fill_ebox writes to
        fill_ebox(messages, stack.stream_pollers)  # as published long ago: the outbox has nothing to do
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="fr-BE")
            page.set_default_timeout(180_000)  # a loaded machine: the figures say how long it took
            started = time.perf_counter()
            page.goto(stack.api_url + "/")
            page.locator("button.primary").click()
            page.locator('button[value="anna"]').click()  # Anna of Demo Bakery (not Anna the citizen)
            page.wait_for_function("() => document.querySelectorAll('li.row').length >= 20")
            first = (time.perf_counter() - started) * 1000
            total = page.locator(".counts").inner_text()
            cases = {"all partitions": "", "unread only": "unread=1", "partition ACCOUNTING": "partition=ACCOUNTING"}
            rows = []
            for case, query in cases.items():
                samples = [_open_inbox_ms(page, f"{query}&n={i}") for i in range(repeat)]
                rows.append((case, statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)))
            browser.close()
    return {"first": first, "rows": rows, "counts": total}


def main() -> None:
    logging.getLogger("ebox_local").setLevel(logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    console = Console(width=120)

    sizes = first_load_sizes()
    table = Table(title=f"Web app, first load (web/dist): budget {BUDGET_KB} kB compressed JavaScript + CSS")
    for column in ("file", "bytes", "gzip bytes"):
        table.add_column(column)
    for name, raw, packed in sizes:
        table.add_row(name, f"{raw:,}", f"{packed:,}")
    packed_total = sum(s[2] for s in sizes)
    table.add_row("total", f"{sum(s[1] for s in sizes):,}", f"{packed_total:,} ({packed_total / 1024:.1f} kB, "
                  f"{packed_total / 1024 / BUDGET_KB:.0%} of the budget)")
    console.print(table)

    result = measure(args.messages, args.repeat)
    table = Table(title=f"Opening the inbox in headless Chromium, {args.messages:,} messages in Demo Bakery's e-Box "
                        f"({result['counts']}), 20 rows a page; budget {OPEN_BUDGET_MS} ms")
    for column in ("case", "median ms to 20 rows shown", "of which the API's answer, ms", "browser's share, ms"):
        table.add_column(column)
    for case, shown, api in result["rows"]:
        table.add_row(case, f"{shown:.0f}", f"{api:.0f}", f"{shown - api:.0f}")
    console.print(table)
    console.print(f"  first load to the inbox (landing page, local OpenID Connect login, tokens, first page): "
                  f"{result['first']:.0f} ms")


if __name__ == "__main__":
    main()
