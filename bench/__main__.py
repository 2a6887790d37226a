"""`make bench`: prints each figure beside its floor and the ratio between them."""

from __future__ import annotations

import argparse
import logging

from rich.console import Console
from rich.table import Table

from bench import inbox, qualified
from bench.cold_import import cold_imports
from bench.emulator import provisioned_emulator
from bench.publication import calls_per_message, floor, publish_many
from tests.apigw import PDF


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=300, help="publications per measurement")
    parser.add_argument("--inbox-messages", type=int, default=10_000, help="messages in the e-Box paged through")
    args = parser.parse_args()
    console = Console(width=120)

    with provisioned_emulator() as environment:
        publish_many(10)  # warm-up: caches, connections, KMS public key
        rate, calls = publish_many(args.messages)
        floor_rate = floor(args.messages, environment, PDF)
        delivery_rows = qualified.run()
        inbox_rows = inbox.run(args.inbox_messages)
        inbox_floor = inbox.floor_ms(environment, 10)

    table = Table(title=f"Publication through the emulator (moto server), {args.messages} messages of "
                        f"{len(PDF)} bytes, one client")
    for column in ("measure", "messages/s", "floor messages/s", "ratio to floor"):
        table.add_column(column)
    table.add_row("API handler → S3 + DynamoDB + EventBridge", f"{rate:.1f}", f"{floor_rate:.1f}",
                  f"{rate / floor_rate:.2f}")
    console.print(table)

    table = Table(title="AWS API calls per simple message (botocore before-call hook)")
    table.add_column("service")
    table.add_column("calls per message")
    for service, per_message in calls_per_message(calls, args.messages):
        table.add_row(service, str(per_message))
    console.print(table)
    console.print("  operations: " + ", ".join(f"{k} {v / args.messages:g}" for k, v in sorted(calls.items())))

    table = Table(title="Evidence and Step Functions per message (3 messages per case)")
    for column in ("case", "billed state transitions", "evidence records"):
        table.add_column(column)
    for case, transitions, records in delivery_rows:
        table.add_row(case, f"{transitions:g}", f"{records:g}")
    console.print(table)

    table = Table(title=f"Inbox pages (25 messages) through app.handler, {args.inbox_messages} messages in one "
                        f"e-Box; floor: one bare boto3 Query of 25 items, {inbox_floor:.1f} ms")
    for column in ("case", "median ms", "ratio to floor", "DynamoDB calls per page", "index entries read",
                   "totalItems"):
        table.add_column(column)
    for case, ms, calls, evaluated, total in inbox_rows:
        table.add_row(case, f"{ms:.1f}", f"{ms / inbox_floor:.1f}", f"{calls:g}", f"{evaluated:g}", str(total))
    console.print(table)

    rows = cold_imports()
    baseline, baseline_client = rows[0][1], rows[0][2]
    table = Table(title="Cold start of each handler (median of 5 processes, warm .pyc)")
    for column in ("module", "import ms", "ratio to import boto3", "+ adapters built ms",
                   "ratio to boto3 + 1 client"):
        table.add_column(column)
    for name, ms, with_adapters in rows:
        table.add_row(name, f"{ms:.0f}", f"{ms / baseline:.2f}", f"{with_adapters:.0f}",
                      f"{with_adapters / baseline_client:.2f}")
    console.print(table)


if __name__ == "__main__":
    main()
