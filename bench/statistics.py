"""`python -m bench.statistics`: the statistics query (every table, as GET /admin/v1/statistics reads them)
at 20 messages and at a demo year, beside a floor measured in the same run: the same shard Queries by bare
boto3, returning the same items, with no summing or assembly.

The counters are those `make demo-year`'s plan produces (ebox_local.demo_year.make_plan), counted by the
statistics' own code and written at once per counter (the counting path itself is measured by the
demo year). What the query reads is the number of counter items: senders x years x shards, months and a
few more, never a message; so the figure at 20 messages and at a demo year differ only by that count."""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from rich.console import Console
from rich.table import Table

TABLE = "bench-statistics"


def _table(client: Any) -> None:
    client.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                              {"AttributeName": "sk", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                   {"AttributeName": "sk", "KeyType": "RANGE"}])


def _fill(client: Any, messages: int, eboxes: int, senders: int) -> int:
    """The counters of a demo-year plan of that size; returns how many counter items were written."""
    from ebox.domain.statistics import CountOnce, facts_of, merge_increments
    from ebox_local.demo_year import make_plan

    rng = random.Random(16)  # noqa: S311 - reproducible demo data
    plan = make_plan(rng, messages=messages, eboxes=eboxes, senders=senders, now=datetime.now(UTC))
    events = [{"detail-type": "EboxActivated", "detail": {"eboxId": e, "eboxType": "enterprise",
                                                          "activatedAt": when.isoformat()}}
              for e, when in plan.eboxes.items()]
    for m in plan.messages:
        detail = {"messageId": f"00000000-0000-7000-8000-{len(events):012d}", "senderOrganizationId": m["sender"],
                  "receiptDate": m["received"].isoformat(), "registeredMailType": m["level"],
                  "recipient": {"eboxIdValue": m["recipient"]}}
        events.append({"detail-type": "MessagePublished", "detail": detail})
        if m["read_at"]:
            events.append({"detail-type": "MessageRead", "detail": {**detail, "readAt": m["read_at"].isoformat()}})
    facts = [f for e in events for f in facts_of(e) if isinstance(f, CountOnce)]
    increments = merge_increments(facts)
    for inc in increments:
        names = {f"#c{i}": n for i, n in enumerate(inc.counts)}
        values = {f":c{i}": {"N": str(v)} for i, v in enumerate(inc.counts.values())}
        client.update_item(TableName=TABLE, Key={"pk": {"S": f"STATS#{inc.shard}"}, "sk": {"S": inc.key}},
                           UpdateExpression="ADD " + ", ".join(f"#c{i} :c{i}" for i in range(len(names))),
                           ExpressionAttributeNames=names, ExpressionAttributeValues=values)
    return len(increments)


def _median_ms(call: Callable[[], Any], repeat: int) -> float:
    call()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def _bare_queries(client: Any) -> int:
    from ebox.domain.statistics import SHARDS

    items = 0
    for shard in range(SHARDS):
        page = client.query(TableName=TABLE, KeyConditionExpression="pk = :pk",
                            ExpressionAttributeValues={":pk": {"S": f"STATS#{shard}"}})
        items += len(page["Items"])
    return items


def measure(messages: int, eboxes: int, senders: int, repeat: int) -> tuple[int, float, float]:
    """(counter items, median ms of every table, median ms of the floor) for a plan of that size."""
    import boto3
    from ebox.adapters.statistics_store import DynamoStatistics
    from ebox.domain.statistics_tables import platform_statistics
    from moto import mock_aws

    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-west-1")
        _table(client)
        items = _fill(client, messages, eboxes, senders)
        store = DynamoStatistics(client, table=TABLE)
        today = date.today()
        ms = _median_ms(lambda: platform_statistics(store, {}, today=today), repeat)
        floor = _median_ms(lambda: _bare_queries(client), repeat)
    return items, ms, floor


def measure_stack(api: str, repeat: int) -> tuple[int, float, float]:
    """(counter items, median ms of GET /admin/v1/statistics, median ms of the floor) on a running local
    stack (`make run`, then `make demo-year`): the whole HTTP path beside 8 bare Queries of its table."""
    import boto3
    import requests
    from ebox.domain.statistics import SHARDS

    status = requests.get(f"{api}/health", timeout=10).json()
    client = boto3.client("dynamodb", endpoint_url=status["awsEndpoint"], region_name=status["region"],
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    table = status["resources"]["StatisticsTable"]
    token = requests.post(f"{api}/oauth/token", timeout=30, data={
        "grant_type": "client_credentials", "client_id": "ops-admin", "client_secret": "demo-secret"}).json()[
        "access_token"]

    def bare() -> int:
        return sum(len(client.query(TableName=table, KeyConditionExpression="pk = :pk",
                                    ExpressionAttributeValues={":pk": {"S": f"STATS#{s}"}})["Items"])
                   for s in range(SHARDS))

    def over_http() -> None:
        requests.get(f"{api}/admin/v1/statistics", headers={"Authorization": f"Bearer {token}"},
                     timeout=60).raise_for_status()

    return bare(), _median_ms(over_http, repeat), _median_ms(bare, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--eboxes", type=int, default=2_500)
    parser.add_argument("--senders", type=int, default=36)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--api", help="instead: time GET /admin/v1/statistics on this running local stack")
    args = parser.parse_args()
    if args.api:
        items, ms, floor = measure_stack(args.api, args.repeat)
        print(f"GET /admin/v1/statistics on {args.api}: {items} counter items, median {ms:.0f} ms; "
              f"floor (the same 8 Queries by bare boto3) {floor:.0f} ms; ratio {ms / floor:.2f}")
        return
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "eu-west-1"}.items():
        os.environ[name] = value
    os.environ.pop("AWS_ENDPOINT_URL", None)
    table = Table(title="Statistics query: every table (8 shard Queries, summed and assembled), in-process moto; "
                        "floor: the same 8 Queries by bare boto3")
    for column in ("platform", "counter items", "median ms", "floor ms", "ratio to floor"):
        table.add_column(column)
    demo = (args.messages, args.eboxes, args.senders)
    for label, size in (("20 messages, 20 e-Boxes, 3 senders", (20, 20, 3)),
                        (f"demo year: {args.messages:,} messages, {args.eboxes:,} e-Boxes, {args.senders} senders",
                         demo),
                        (f"ten times the messages: {10 * args.messages:,}, same e-Boxes and senders",
                         (10 * args.messages, args.eboxes, args.senders))):
        items, ms, floor = measure(*size, args.repeat)
        table.add_row(label, str(items), f"{ms:.1f}", f"{floor:.1f}", f"{ms / floor:.2f}")
    Console(width=140).print(table)


if __name__ == "__main__":
    main()
