"""Publications counted from the messages table's stream (ebox.adapters.streamed_counters, moto): each counted
once however Lambda delivers the stream's batches again (the same batch, bisected halves, a batch that starts
before what a counter already counted), from several shards into the same counter, and when every call of
the counting fails in each way of tests.faults; no marker per message, and the counter items stay small."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from ebox.adapters.streamed_counters import MARK, MARK_LIFETIME_SECONDS, DynamoStreamedCounters, mark_of
from ebox.domain.errors import TransientError
from ebox.domain.statistics import CountOnce, StatisticsStore, published_fact, shard_of, year_key
from ebox.domain.statistics_tables import platform_statistics

from tests.conftest import on_localstack
from tests.fakes import message_in
from tests.faults import FAULTS, Call, Fault, InjectedCrash, Injector, injected
from tests.statistics_table import TABLE, statistics_table

TODAY = date(2026, 11, 30)
SHARD_A = "shardId-00000001764460800000-aaaaaaaa"
Batch = list[tuple[str, CountOnce]]


@pytest.fixture
def db(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    with statistics_table(monkeypatch) as client:
        yield client


class Clock:
    def __init__(self) -> None:
        self.now = 1_764_460_800.0

    def __call__(self) -> float:
        return self.now


def publications(first: int, last: int, *, year: str = "2026", level: str | None = None) -> Batch:
    """Stream records ``first``..``last`` of one shard: a publication each (sequence numbers grow)."""
    return [(str(110000000000000000000 + n), published_fact(message_in(
        f"0192d3a0-0000-7000-8000-{n:012d}", "GENERAL", receipt_date=f"{year}-03-01T10:00:00Z",
        registered_mail_type=level, is_registered_mail=level is not None))) for n in range(first, last + 1)]


def documents(db: Any) -> dict[str, int]:
    """Documents per year, as the operator reads them (GET /admin/v1/statistics)."""
    from ebox.adapters.statistics_store import DynamoStatistics

    store: StatisticsStore = DynamoStatistics(db, table=TABLE)
    return {str(r["year"]): r["documents"] for r in platform_statistics(store, {}, today=TODAY)["documentsPerYear"]}


def items(db: Any) -> list[dict[str, Any]]:
    return db.scan(TableName=TABLE)["Items"]


def test_a_batch_delivered_again_counts_once(db):
    counters = DynamoStreamedCounters(db, table=TABLE)
    batch = publications(1, 10)
    assert counters.count_streamed(SHARD_A, batch) == 10
    assert counters.count_streamed(SHARD_A, batch) == 0
    assert documents(db) == {"2026": 10}
    assert not [i for i in items(db) if i["pk"]["S"].startswith("MARK#")], "no marker per message"


def test_bisected_halves_of_a_batch_that_failed_half_way_count_once(db):
    """The batch's first counter was updated, then the invocation failed: Lambda delivers its halves."""
    counters = DynamoStreamedCounters(db, table=TABLE)
    batch = publications(1, 10)
    injector = Injector(fault=Fault(Call("outbox", "dynamodb:UpdateItem", 2), "5xx"))
    with injected(injector), injector.step("outbox"), pytest.raises(TransientError):
        counters.count_streamed(SHARD_A, batch)
    assert injector.fired
    counters.count_streamed(SHARD_A, batch[:5])
    counters.count_streamed(SHARD_A, batch[5:])
    assert documents(db) == {"2026": 10}
    rows = {(r["organizationId"], r["year"]): r["documents"] for r in _senders(db)}
    assert rows == {("0406798006", 2026): 10}


def test_a_batch_starting_before_what_a_counter_counted_adds_only_the_rest(db):
    counters = DynamoStreamedCounters(db, table=TABLE)
    counters.count_streamed(SHARD_A, publications(1, 6))
    assert counters.count_streamed(SHARD_A, publications(4, 10)) == 4
    assert counters.count_streamed(SHARD_A, publications(2, 5)) == 0
    assert documents(db) == {"2026": 10}


def test_two_shards_count_into_the_same_counter_each_from_its_own_place(db):
    """Sequence numbers of two shards are not comparable: the second shard's are lower, and still count."""
    shard_b = next(s for s in (f"shardId-00000001764460800000-{n:08x}" for n in range(1000))
                   if s != SHARD_A and shard_of(s) == shard_of(SHARD_A))
    counters = DynamoStreamedCounters(db, table=TABLE)
    counters.count_streamed(SHARD_A, publications(100, 104))
    counters.count_streamed(shard_b, publications(1, 3))
    counters.count_streamed(SHARD_A, publications(100, 104))  # each shard's batches again
    counters.count_streamed(shard_b, publications(1, 3))
    assert documents(db) == {"2026": 8}
    [year] = [i for i in items(db) if i["sk"]["S"] == year_key("2026")]
    assert {mark_of(SHARD_A), mark_of(shard_b)} <= set(year)


def test_a_batch_of_several_years_and_levels_counts_each_counter_once(db):
    counters = DynamoStreamedCounters(db, table=TABLE)
    batch = publications(1, 3) + publications(4, 5, year="2025", level="registered")
    counters.count_streamed(SHARD_A, batch)
    counters.count_streamed(SHARD_A, batch[2:])
    assert documents(db) == {"2025": 2, "2026": 3}
    registered = {(r["year"]): r["registered"]["published"] for r in _senders(db)}
    assert registered == {2025: 2, 2026: 0}


def test_marks_older_than_the_stream_keeps_records_are_removed_and_items_stay_one_write_unit(db):
    clock = Clock()
    counters = DynamoStreamedCounters(db, table=TABLE, clock=clock)
    old_shards = [f"shardId-00000001764460800000-{n:08x}" for n in range(40)]
    for n, shard in enumerate(old_shards):
        counters.count_streamed(shard, publications(n, n))
    clock.now += MARK_LIFETIME_SECONDS + 60
    for n, shard in enumerate(old_shards):  # their successors (shards close every few hours)
        child = next(c for c in (f"{shard}-{k}" for k in range(1000)) if shard_of(c) == shard_of(shard))
        counters.count_streamed(child, publications(100 + n, 100 + n))
        counters.count_streamed(child, publications(200 + n, 200 + n))
    for item in items(db):
        marks = [name for name in item if name.startswith(MARK)]
        assert not set(marks) & {mark_of(s) for s in old_shards}, "the expired marks are gone"
        assert _size(item) < 1024, item
    assert documents(db) == {"2026": 120}


def test_without_a_shard_id_each_publication_is_counted_by_its_marker(db):
    counters = DynamoStreamedCounters(db, table=TABLE)
    batch = publications(1, 4)
    assert counters.count_streamed(None, batch) == 4
    assert counters.count_streamed(None, batch[1:]) == 0
    assert documents(db) == {"2026": 4}


# ---------------------------------------------------------------- every call's failure, as Lambda retries
def _lambda_delivers(counters: DynamoStreamedCounters, injector: Injector, batch: Batch, step: str,
                     depth: int = 0) -> int:
    """Lambda's side (BisectBatchOnFunctionError): a batch that fails is delivered as two halves, each
    again until it succeeds; a crash starts the next delivery with a new function (its memory lost)."""
    for _ in range(4):
        with injector.step(step):
            try:
                counters.count_streamed(SHARD_A, batch)
                return depth
            except InjectedCrash:
                counters = DynamoStreamedCounters(counters._db, table=TABLE)  # noqa: SLF001 - cold again
            except Exception:  # noqa: BLE001, S112 - the batch comes back (halved, below)
                pass
        if len(batch) > 1:
            half = len(batch) // 2
            return max(_lambda_delivers(counters, injector, batch[:half], step, depth + 1),
                       _lambda_delivers(counters, injector, batch[half:], step, depth + 1))
    raise AssertionError(f"a batch of {len(batch)} never succeeded")


@pytest.mark.skipif(on_localstack(), reason="faults are injected into the in-process moto clients")
@pytest.mark.parametrize("kind", FAULTS)
def test_every_call_of_the_counting_survives_the_fault(db, kind):
    batch = publications(1, 6) + publications(7, 8, year="2025", level="qualified")
    clean = Injector()
    with injected(clean):
        _lambda_delivers(DynamoStreamedCounters(db, table=TABLE), clean, publications(1, 3), "outbox")
        _lambda_delivers(DynamoStreamedCounters(db, table=TABLE), clean, batch, "outbox again")  # counters ahead
    expected = _counts(db)
    calls = list(dict.fromkeys(clean.calls))
    assert any(c.operation == "dynamodb:GetItem" for c in calls), "a counter ahead is read back"
    for call in calls:
        for item in items(db):
            db.delete_item(TableName=TABLE, Key={"pk": item["pk"], "sk": item["sk"]})
        injector = Injector(fault=Fault(call, kind))
        with injected(injector):
            _lambda_delivers(DynamoStreamedCounters(db, table=TABLE), injector, publications(1, 3), "outbox")
            _lambda_delivers(DynamoStreamedCounters(db, table=TABLE), injector, batch, "outbox again")
        assert injector.fired, call
        assert _counts(db) == expected, f"{call} × {kind}"


def _senders(db: Any) -> list[dict[str, Any]]:
    from ebox.adapters.statistics_store import DynamoStatistics

    return list(platform_statistics(DynamoStatistics(db, table=TABLE), {}, today=TODAY)["senders"])


def _counts(db: Any) -> dict[str, dict[str, int]]:
    """Every counter summed over its shards (one scan; what the operator's tables are computed from)."""
    summed: dict[str, dict[str, int]] = {}
    for item in items(db):
        counts = summed.setdefault(item["sk"]["S"], {})
        for name, value in item.items():
            if "N" in value:
                counts[name] = counts.get(name, 0) + int(value["N"])
    return summed


def _size(item: dict[str, Any]) -> int:
    """DynamoDB's item size, near enough: names and values in UTF-8 (numbers about as long as their digits)."""
    return sum(len(name.encode()) + len(next(iter(value.values())).encode()) for name, value in item.items())
