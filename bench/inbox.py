"""Inbox pages at 10,000 messages in one e-Box: latency through `app.handler`, DynamoDB calls per page and
index entries a page's Queries evaluate (DynamoDB's ScannedCount: what bounds a page's read, whatever the
e-Box holds), beside a floor (one bare boto3 Query of 25 items on the same table).

The messages are written straight into the index with BatchWriteItem, as publication writes them
(same item, same filter attributes, same partition counters): publishing 10,000 through the API
would only measure publication again."""

from __future__ import annotations

import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from bench.calls import counting_calls
from tests.apigw import ApiCaller

RECIPIENT = "0852093431"
FILL_WRITERS = 8  # threads filling the e-Box, FILL_SLICE messages per batch writer
FILL_SLICE = 5000
PARTITIONS = (("GENERAL", 5), ("ACCOUNTING", 3), ("HR", 2))  # weights: half GENERAL, 30 % ACCOUNTING, 20 % HR
WORDS = ("cotisation", "attestation", "rappel", "décompte", "avis", "régularisation", "déclaration", "bilan")


def _message(number: int, millis: int) -> Any:
    from ebox.domain.ids import new_message_id
    from ebox.domain.message import Message, StoredAttachment
    from ebox.domain.message_action import MessageAction
    from ebox.domain.search import search_texts

    partition = [p for p, weight in PARTITIONS for _ in range(weight)][number % 10]
    word = WORDS[number % len(WORDS)]
    message = Message(
        message_id=new_message_id(millis), recipient=RECIPIENT, sender_organization_id="0406798006",
        sender_application_id="demo-basic" if partition == "HR" else "demo-app",
        message_type_id="demo-tax" if partition == "ACCOUNTING" else "demo-notice",
        subject={"fr": f"{word.capitalize()} n° {number}", "nl": f"Bericht {number}"},
        receipt_date=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(millis / 1000)),
        expiration_date="2030-01-01T00:00:00Z", is_body_main_content=False, is_reply_authorized=False,
        is_registered_mail=number % 7 == 0, body=None, partition=partition,
        attachments=[StoredAttachment("a1", f"{word}-{number}.pdf", "application/pdf", 2800, True, False, None,
                                      "x" * 43, f"messages/{number}/a1")],
    )
    if number % 20 in (3, 6, 8):  # 15 % for action (GENERAL, ACCOUNTING, HR), half of them overdue
        due = time.strftime("%Y-%m-%d", time.gmtime(millis / 1000 + (-86400 if number % 40 < 20 else 30 * 86400)))
        message.action = MessageAction("PAYMENT", due)
    message.search_text = search_texts(message, [{"fr": "Office national de sécurité sociale", "nl": "RSZ"}])
    message.read_status = number % 3 == 0
    message.visible = number % 50 != 7  # 2 % hidden
    if number == 4242:
        message.subject = {"fr": "Société Générale — mise en demeure"}
        message.search_text = search_texts(message, [])
    return message


def fill_ebox(count: int, stream_pollers: Iterable[Any] = ()) -> None:
    """``count`` messages, one per second of receipt, with the e-Box's and partitions' counters: what
    publication and its outbox leave, written by FILL_WRITERS threads. The outbox's ``stream_pollers`` skip
    these writes: relaying them again would count them twice and keep the process busy while the pages are
    timed."""
    from concurrent.futures import ThreadPoolExecutor

    from ebox.adapters.inbox_pages import partition_summary_key
    from ebox.adapters.tables.message_items import EboxSummaryItem
    from ebox_local.stream_pollers import consumed_already

    with consumed_already(stream_pollers):
        start = int(time.time() * 1000) - count * 1000
        slices = [range(first, min(first + FILL_SLICE, count)) for first in range(0, count, FILL_SLICE)]
        per_partition: Counter[str] = Counter()
        unread: Counter[str] = Counter()
        with ThreadPoolExecutor(FILL_WRITERS) as writers:
            for written, not_read in writers.map(lambda numbers: _write_messages(numbers, start), slices):
                per_partition.update(written)
                unread.update(not_read)
        for key, number, not_read in [("SUMMARY", count, sum(unread.values())),
                                      *((partition_summary_key(p), n, unread[p]) for p, n in per_partition.items())]:
            EboxSummaryItem(f"EBOX#{RECIPIENT}", key).update(actions=[
                EboxSummaryItem.number_of_messages.add(number), EboxSummaryItem.number_of_unread_messages.add(not_read),
                EboxSummaryItem.ebox_size_bytes.add(number * 2800)])


def _write_messages(numbers: range, start: int) -> tuple[Counter[str], Counter[str]]:
    """Messages ``numbers`` in one batch writer: how many each partition got, and how many of them unread."""
    from ebox.adapters.message_index import message_item
    from ebox.adapters.tables.message_items import MessageItem

    written: Counter[str] = Counter()
    unread: Counter[str] = Counter()
    with MessageItem.batch_write() as batch:
        for number in numbers:
            message = _message(number, start + number * 1000)
            written[message.partition] += 1
            unread[message.partition] += not message.read_status
            item = message_item(message)  # as publication writes it, then read or hidden as the case is
            item.read_status, item.visible = message.read_status, message.visible
            batch.save(item)
    return written, unread


def _measure(call: Callable[[], Any], repeat: int) -> tuple[float, float, float]:
    """(median ms, DynamoDB calls per request, index entries evaluated per request)."""
    from ebox.adapters.aws_clients import reset_clients
    from ebox.wiring import reset_services

    call()  # warm: token keys, user lookup path, connections
    evaluated: Counter[str] = Counter()
    with counting_calls(evaluated=evaluated) as calls:
        reset_clients()
        reset_services()
        call()  # the cold one builds the counted clients; not timed
        calls.clear()
        evaluated.clear()
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            call()
            times.append((time.perf_counter() - start) * 1000)
        dynamodb = sum(n for name, n in calls.items() if name.startswith("dynamodb:"))
    return statistics.median(times), dynamodb / repeat, evaluated["dynamodb"] / repeat


def floor_ms(environment: dict[str, str], repeat: int) -> float:
    import boto3

    endpoint = environment.get("AWS_ENDPOINT_URL_DYNAMODB") or environment["AWS_ENDPOINT_URL"]
    dynamodb = boto3.client("dynamodb", endpoint_url=endpoint)
    table = environment["EBOX_MESSAGES_TABLE"]

    def query() -> None:
        dynamodb.query(TableName=table, KeyConditionExpression="pk = :pk", ScanIndexForward=False, Limit=25,
                       ExpressionAttributeValues={":pk": {"S": f"EBOX#{RECIPIENT}"}})

    query()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        query()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


CASES: list[tuple[str, str, dict[str, str]]] = [
    ("enterprise, page 1, no filter", "ent", {}),
    ("enterprise, page 40 (messages 976-1000)", "ent", {"page": "40"}),
    ("enterprise, page 41 (beyond the depth: 400)", "ent", {"page": "41", "STATUS": "400"}),
    ("person (ACCOUNTING only), page 1", "bruno", {}),
    ("person (3 partitions), page 1", "anna", {}),
    ("enterprise, unread only", "ent", {"readStatus": "false"}),
    ("enterprise, read only, page 2", "ent", {"readStatus": "true", "page": "2"}),
    ("enterprise, hidden (visible=false)", "ent", {"visible": "false"}),
    ("enterprise, message type demo-tax", "ent", {"messageTypeId": "demo-tax"}),
    ("enterprise, sender organisation", "ent", {"senderOrganizationId": "0406798006"}),
    ("enterprise, sender application demo-basic", "ent", {"senderApplicationId": "demo-basic"}),
    ("enterprise, registered mail", "ent", {"registeredMail": "true"}),
    ("enterprise, expiring before 2031", "ent", {"expiredBefore": "2031-01-01"}),
    ("enterprise, partition HR", "ent", {"partition": "HR"}),
    ("person (ACCOUNTING only), unread only", "bruno", {"readStatus": "false"}),
    ("enterprise, unread demo-tax", "ent", {"readStatus": "false", "messageTypeId": "demo-tax"}),
    ("enterprise, search 'societe generale'", "ent", {"q": "societe generale"}),
    ("person (ACCOUNTING only), search 'avis'", "bruno", {"q": "avis"}),
    ("enterprise, received in the last hour", "ent", {"receivedAfter": "LAST_HOUR"}),
    ("enterprise, actions to do (forAction)", "ent", {"forAction": "true"}),
    ("enterprise, overdue actions", "ent", {"overdue": "true"}),
    ("person (ACCOUNTING only), overdue actions", "bruno", {"overdue": "true"}),
]


def run(count: int = 10_000, repeat: int = 5, *,
        stream_pollers: Iterable[Any] = ()) -> list[tuple[str, float, float, float, int | str]]:
    """(case, median ms, DynamoDB calls per page, index entries evaluated per page, totalItems or status)."""
    from app import handler

    fill_ebox(count, stream_pollers)
    api = ApiCaller(handler)
    tokens = {"ent": api.token("ent-0852093431", "demo-secret"), "bruno": api.token("user-bruno", "demo-secret"),
              "anna": api.token("user-anna", "demo-secret")}
    last_hour = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 3600))
    rows = []
    for case, who, query in CASES:
        params = {k: (last_hour if v == "LAST_HOUR" else v) for k, v in query.items() if k != "STATUS"}
        status = int(query.get("STATUS", "200"))

        def page(token: str = tokens[who], params: dict[str, str] = params, status: int = status) -> Any:
            answer = api.get(token, "/messageRegistry/v2/ebox/messages", params)
            assert answer.status == status, answer.body
            return answer.json()

        total = page()["totalItems"] if status == 200 else f"{status} {page()['code']}"
        ms, calls, evaluated = _measure(page, repeat)
        rows.append((case, ms, calls, evaluated, total))
    return rows


def print_table(console: Any, rows: list[tuple[str, float, float, float, int | str]], messages: int,
                floor: float) -> None:
    from rich.table import Table

    table = Table(title=f"Inbox pages (25 messages) through app.handler, {messages} messages in one "
                        f"e-Box; floor: one bare boto3 Query of 25 items, {floor:.1f} ms")
    for column in ("case", "median ms", "ratio to floor", "DynamoDB calls per page", "index entries read",
                   "totalItems"):
        table.add_column(column)
    for case, ms, page_calls, evaluated, total_items in rows:
        table.add_row(case, f"{ms:.1f}", f"{ms / floor:.1f}", f"{page_calls:g}", f"{evaluated:g}", str(total_items))
    console.print(table)


def main() -> None:
    """``python -m bench.inbox [--messages 10000] [--repeat 5]``: the inbox pages alone (``make bench`` runs them
    after publication)."""
    import argparse
    import logging

    from rich.console import Console

    from bench.emulator import STREAM_POLLERS, provisioned_emulator

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with provisioned_emulator() as environment:
        rows = run(args.messages, args.repeat, stream_pollers=STREAM_POLLERS)
        floor = floor_ms(environment, 10)
    print_table(Console(width=120), rows, args.messages, floor)


if __name__ == "__main__":
    main()
