"""`make bench`: prints each figure beside its floor and the ratio between them."""

from __future__ import annotations

import argparse
import json
import logging
from collections import Counter

from rich.console import Console
from rich.table import Table

from bench import inbox, qualified
from bench.cold_import import cold_imports
from bench.cost import Meter, cost_rows
from bench.cost import total as total_cost
from bench.emulator import STREAM_POLLERS, provisioned_emulator
from bench.publication import calls_per_message, floor, publish_and_derive, publish_many
from tests.apigw import PDF


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=300, help="publications per measurement")
    parser.add_argument("--inbox-messages", type=int, default=10_000, help="messages in the e-Box paged through")
    parser.add_argument("--json", action="store_true", help="end with one line of JSON: the issue 14 figures")
    args = parser.parse_args()
    console = Console(width=120)

    with provisioned_emulator() as environment:
        publish_many(10)  # warm-up: caches, connections, KMS public key
        sync, derived = Meter(), Meter()
        rate, calls, consumer_invocations = publish_and_derive(args.messages, sync, derived)
        costs = cost_rows(Meter(calls=Counter(sync.calls), wru=sync.wru, rru=sync.rru, events=sync.events),
                          Meter(calls=Counter(derived.calls), wru=derived.wru, rru=derived.rru, events=derived.events),
                          args.messages, consumer_invocations=consumer_invocations)
        # Snapshots: the clients made while counting keep their hooks, so later phases would add to the meters.
        derived_calls, write_units = Counter(derived.calls), sync.units + derived.units
        floor_rate = floor(args.messages, environment, PDF)
        delivery_rows = qualified.run()
        inbox_rows = inbox.run(args.inbox_messages, stream_pollers=STREAM_POLLERS)
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
    console.print("  asynchronous (outbox, e-mail, audit and evidence consumers; per message): " + ", ".join(
        f"{k} {v / args.messages:g}" for k, v in sorted(derived_calls.items())))
    console.print("  DynamoDB write units per message, by operation and item (sort key's first word): " + ", ".join(
        f"{k} {v / args.messages:.3g}" for k, v in sorted(write_units.items())))

    table = Table(title="Cost per million simple messages before e-mail, from the counted calls (eu-west-1 list "
                        "prices, bench/cost.py)")
    for column in ("what, per message", "count", "unit price $", "per million $"):
        table.add_column(column)
    for row in costs:
        table.add_row(row.what, f"{row.per_message:.3g}", f"{row.unit_price:.3g}", f"{row.per_million:.2f}")
    table.add_row("total", "", "", f"{total_cost(costs):.2f}")
    console.print(table)

    table = Table(title="Evidence and Step Functions per message (3 messages per case)")
    for column in ("case", "billed state transitions", "evidence records"):
        table.add_column(column)
    for case, transitions, records in delivery_rows:
        table.add_row(case, f"{transitions:g}", f"{records:g}")
    console.print(table)

    inbox.print_table(console, inbox_rows, args.inbox_messages, inbox_floor)

    if args.json:
        kms = sum(n for name, n in calls.items() if name.startswith("kms:")) / args.messages
        qualified_rows = [t for case, t, _ in delivery_rows if case.startswith("qualified, accepted")]
        print(json.dumps({
            "publish_per_s": round(rate, 1), "floor_per_s": round(floor_rate, 1),
            "publish_ratio": round(rate / floor_rate, 2),
            "calls_per_message": round(sum(calls.values()) / args.messages, 2),
            "kms_calls_per_message": round(kms, 3),
            "cost_per_million_before_email_usd": round(total_cost(costs), 2),
            "qualified_transitions": qualified_rows[0] if qualified_rows else None,
            "messages": args.messages,
        }))
        return
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
