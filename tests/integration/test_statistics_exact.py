"""The statistics are exact: a random platform's events, produced by the real event adapter, delivered
out of order and a fifth of them twice, through the real handler into the real counter store (moto), and
its publications counted from three stream shards whose batches come again (whole, or starting before what
was counted), give the same tables as a recomputation from scratch of what happened."""

from __future__ import annotations

import json
import random
import uuid
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from ebox.adapters.message_events import EventBridgeMessageEvents
from ebox.adapters.statistics_store import DynamoStatistics
from ebox.adapters.streamed_counters import DynamoStreamedCounters
from ebox.domain.ids import new_message_id
from ebox.domain.message import Message
from ebox.domain.qualified_delivery import OUTCOME_DETAIL_TYPES
from ebox.domain.statistics import facts_of
from ebox.domain.statistics_tables import last_months, platform_statistics, sender_statistics
from ebox.domain.validity import format_timestamp

from tests.statistics_table import TABLE, statistics_table

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 30)
START = datetime(2025, 1, 1, tzinfo=UTC)
END = datetime(2026, 11, 29, tzinfo=UTC)


class CapturedEvents:
    """An EventBridge client that keeps what is put, as SQS would deliver it (the event's envelope)."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803 - boto3's name
        for entry in Entries:
            self.bodies.append({"version": "0", "id": str(uuid.uuid4()), "source": entry["Source"],
                                "detail-type": entry["DetailType"], "detail": json.loads(entry["Detail"])})
        return {"FailedEntryCount": 0, "Entries": [{"EventId": "x"} for _ in Entries]}


def _when(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + timedelta(seconds=rng.randrange(int((end - start).total_seconds())))


def _platform(rng: random.Random, events: EventBridgeMessageEvents) -> dict[str, Any]:
    """A random year and a bit: e-Boxes opening, preferences set and unset, messages sent, read, answered."""
    senders = [f"08{i:08d}" for i in range(12)]
    eboxes: dict[str, dict[str, Any]] = {}
    for i in range(60):
        ebox_id, kind = (f"04{i:08d}", "enterprise") if i % 3 else (f"{85000000000 + i}", "citizen")
        opened = _when(rng, START - timedelta(days=60), END)
        eboxes[ebox_id] = {"type": kind, "opened": opened, "preferences": []}
        events.ebox_activated(ebox_id, kind, format_timestamp(opened))
        for _ in range(rng.choice((0, 0, 1, 2, 3))):
            changed = _when(rng, opened, END + timedelta(days=1))
            if any(at == format_timestamp(changed) for at, _ in eboxes[ebox_id]["preferences"]):
                continue
            value = rng.random() < 0.6
            eboxes[ebox_id]["preferences"].append((format_timestamp(changed), value))
            events.ebox_preference_changed(ebox_id, kind, value, format_timestamp(changed))
    messages = []
    for _ in range(300):
        received = _when(rng, START, END)
        level = rng.choice(("simple", "simple", "simple", "registered", "qualified"))
        message = Message(
            message_id=new_message_id(int(received.timestamp() * 1000)), recipient=rng.choice(list(eboxes)),
            sender_organization_id=rng.choice(senders[: rng.choice((4, 12))]), sender_application_id="app",
            message_type_id="type", subject={"fr": "x"}, receipt_date=format_timestamp(received),
            expiration_date=format_timestamp(received + timedelta(days=365)), is_body_main_content=True,
            is_reply_authorized=False, is_registered_mail=level != "simple", body={"fr": "x"},
            registered_mail_type=None if level == "simple" else level)
        events.message_published(message)
        fact: dict[str, Any] = {"message": message, "level": level, "received": received, "read": None,
                                "outcome": None}
        if level == "qualified" and rng.random() < 0.8:
            fact["outcome"] = rng.choice(("accepted", "refused", "expired", "failed"))
            events.delivery_concluded(message, OUTCOME_DETAIL_TYPES[fact["outcome"]], fact["outcome"])
        if (level != "qualified" or fact["outcome"] == "accepted") and rng.random() < 0.7:
            fact["read"] = received + timedelta(seconds=rng.randrange(1, 40 * 86400))
            events.message_read(message, format_timestamp(fact["read"]))
        messages.append(fact)
    return {"eboxes": eboxes, "messages": messages}


def _variation(current: int, previous: int | None) -> float | None:
    return round((current - previous) * 100 / previous, 1) if previous else None


def _recomputed(platform: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """The tables from what happened, counted afresh (no counter, no event)."""
    eboxes, messages = platform["eboxes"], platform["messages"]
    window = last_months(TODAY)
    last_read: dict[str, str] = {}
    for m in messages:
        if m["read"]:
            ebox, month = m["message"].recipient, m["read"].strftime("%Y-%m")
            last_read[ebox] = max(last_read.get(ebox, ""), month)
    opened = Counter(e["opened"].strftime("%Y-%m") for e in eboxes.values())
    months, (y, mo) = [], (int(min(opened)[:4]), int(min(opened)[5:]))
    while f"{y:04d}-{mo:02d}" <= max(opened):
        months.append(f"{y:04d}-{mo:02d}")
        y, mo = (y, mo + 1) if mo < 12 else (y + 1, 1)
    per_year = Counter(m["received"].year for m in messages)
    rows: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for m in messages:
        rows[(m["message"].sender_organization_id, m["received"].year)].append(m)
    senders = []
    for (org, year) in sorted(rows):
        group = rows[(org, year)]
        read = [m for m in group if m["read"]]
        seconds = sum(int((m["read"] - m["received"]).total_seconds()) for m in read)
        qualified = [m for m in group if m["level"] == "qualified"]
        outcomes = {o: sum(1 for m in qualified if m["outcome"] == o)
                    for o in ("accepted", "refused", "expired", "failed")}
        previous = len(rows[(org, year - 1)]) if (org, year - 1) in rows else None
        senders.append({
            "organizationId": org, "name": names.get(org), "year": year, "documents": len(group),
            "variationPercent": _variation(len(group), previous),
            "read": len(read), "readRatePercent": round(len(read) * 100 / len(group), 1),
            "averageHoursToFirstRead": round(seconds / 3600 / len(read), 1) if read else None,
            "registered": {"published": sum(1 for m in group if m["level"] == "registered"),
                           "read": sum(1 for m in read if m["level"] == "registered")},
            "qualified": {"published": len(qualified), **outcomes,
                          "pending": sum(1 for m in qualified if m["outcome"] is None)},
        })
    return {
        "eboxes": {
            "activated": len(eboxes),
            "activatedEnterprises": sum(1 for e in eboxes.values() if e["type"] == "enterprise"),
            "activatedCitizens": sum(1 for e in eboxes.values() if e["type"] == "citizen"),
            "activeLast12Months": sum(1 for month in last_read.values() if month in window),
            "digitalOnly": sum(1 for e in eboxes.values() if e["preferences"] and max(e["preferences"])[1]),
            "window": {"from": window[0], "to": window[-1]},
        },
        "documentsPerYear": [{"year": y, "documents": n, "variationPercent": _variation(n, per_year.get(y - 1))}
                             for y, n in sorted(per_year.items())],
        "documentsPerSenderPerYear": [{k: r[k] for k in ("organizationId", "name", "year", "documents",
                                                          "variationPercent")} for r in senders],
        "newEboxesPerMonth": [{"month": m, "activated": opened.get(m, 0)} for m in months],
        "senders": [{k: v for k, v in r.items() if k != "variationPercent"} for r in senders],
    }


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The statistics table (moto): the bus consumer's store, with the outbox's counting as ``.streamed``."""
    from ebox_local import moto_dynamodb  # moto's transactions back up only the items they touch

    moto_dynamodb.install()
    with statistics_table(monkeypatch) as client:
        store = DynamoStatistics(client, table=TABLE)
        store.streamed = DynamoStreamedCounters(client, table=TABLE)  # type: ignore[attr-defined]
        yield store
    moto_dynamodb.uninstall()


def _deliver(bodies: list[dict[str, Any]], store: Any, rng: random.Random) -> None:
    """The publications as the outbox gets them from the stream; the other events as SQS would: any order,
    some twice, in batches of up to ten (a MessagePublished among them too: the bus still carries it)."""
    from ebox_local.functions import load_handler

    _stream(bodies, store.streamed, rng)
    handler = load_handler(ROOT / "functions" / "record_statistics", "app.handler")
    delivered = bodies + rng.sample(bodies, len(bodies) // 5)
    rng.shuffle(delivered)
    for start in range(0, len(delivered), 10):
        records = [{"messageId": str(i), "body": json.dumps(b)} for i, b in enumerate(delivered[start : start + 10])]
        assert handler({"Records": records}, None, deps=store) == {"batchItemFailures": []}


def _stream(bodies: list[dict[str, Any]], streamed: Any, rng: random.Random) -> None:
    """Each publication a record of one of three shards, in order within its shard; a shard's batches are
    delivered in order, some again, some starting a few records before the last batch's end."""
    shards: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    for body in bodies:
        if body["detail-type"] == "MessagePublished":
            shard = f"shardId-00000001764460800000-{rng.randrange(3):08x}"
            [fact] = facts_of(body)
            sequence = 4_000_000_000_000_000_000 + len(shards[shard]) * 1000 + rng.randrange(1000)  # growing
            shards[shard].append((str(sequence), fact))
    for shard, records in shards.items():
        start = 0
        while start < len(records):
            end = min(len(records), start + rng.randrange(1, 8))
            first = max(0, start - rng.choice((0, 0, 2)))  # a batch that starts before what was counted
            streamed.count_streamed(shard, records[first:end])
            if rng.random() < 0.2:  # delivered again (an answer lost), or its first half (bisected)
                size = rng.choice((end - first, 1 + (end - first) // 2))
                streamed.count_streamed(shard, records[first : first + size])
            start = end


def test_counters_equal_a_recomputation_from_scratch(store: Any) -> None:
    rng = random.Random(16)
    captured = CapturedEvents()
    platform = _platform(rng, EventBridgeMessageEvents(captured, bus_name="bus"))
    _deliver(captured.bodies, store, rng)
    names = {"0800000001": "Sender one"}
    assert platform_statistics(store, names, today=TODAY) == _recomputed(platform, names)


def test_a_sender_sees_its_own_rows_only(store: Any) -> None:
    rng = random.Random(7)
    captured = CapturedEvents()
    platform = _platform(rng, EventBridgeMessageEvents(captured, bus_name="bus"))
    _deliver(captured.bodies, store, rng)
    own = sender_statistics(store, "0800000002", {}, today=TODAY)
    expected = _recomputed(platform, {})
    assert set(own) == {"organizationId", "documentsPerSenderPerYear", "senders"}
    assert own["senders"] == [r for r in expected["senders"] if r["organizationId"] == "0800000002"]
    assert own["senders"]


def test_an_event_delivered_again_later_changes_nothing(store: Any) -> None:
    rng = random.Random(3)
    captured = CapturedEvents()
    _platform(rng, EventBridgeMessageEvents(captured, bus_name="bus"))
    _deliver(captured.bodies, store, rng)
    before = platform_statistics(store, {}, today=TODAY)
    _deliver(rng.sample(captured.bodies, 60), store, rng)
    assert platform_statistics(store, {}, today=TODAY) == before
