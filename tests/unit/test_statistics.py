"""The statistics' rules: which event adds what, and how the tables read the counters."""

from __future__ import annotations

from datetime import date

from ebox.domain.statistics import (
    EBOXES,
    Activity,
    Counter,
    CountOnce,
    PreferenceChange,
    facts_of,
    merge_increments,
    sender_key,
)
from ebox.domain.statistics_tables import build_tables, last_months, variation

MESSAGE = "019a0000-0000-7000-8000-000000000001"


def test_a_publication_counts_its_year_and_its_senders_level_once():
    [fact] = facts_of({"detail-type": "MessagePublished", "detail": {
        "messageId": MESSAGE, "senderOrganizationId": "0406798006", "receiptDate": "2025-12-31T23:59:59Z",
        "registeredMailType": "qualified"}})
    assert isinstance(fact, CountOnce) and fact.marker == f"PUBLISHED#{MESSAGE}"
    assert {(i.key, tuple(i.counts.items())) for i in fact.increments} == {
        ("YEAR#2025", (("published", 1),)), (sender_key("0406798006", "2025"), (("published_qualified", 1),))}


def test_a_first_read_counts_for_its_publication_year_and_moves_the_ebox_activity():
    read, activity = facts_of({"detail-type": "MessageRead", "detail": {
        "messageId": MESSAGE, "senderOrganizationId": "0406798006", "recipient": {"eboxIdValue": "0852093431"},
        "receiptDate": "2025-12-31T22:00:00Z", "readAt": "2026-01-01T01:00:00Z"}})
    assert isinstance(read, CountOnce)
    [increment] = read.increments
    assert increment.key == sender_key("0406798006", "2025")
    assert increment.counts == {"read_simple": 1, "read_seconds": 3 * 3600}
    assert activity == Activity("0852093431", "2026-01")


def test_an_event_without_a_receipt_date_takes_the_time_of_its_uuid7():
    [fact] = facts_of({"detail-type": "RegisteredMessageExpired", "detail": {
        "messageId": "01940000-0000-7000-8000-000000000000", "senderOrganizationId": "0406798006"}})
    assert isinstance(fact, CountOnce)
    assert fact.increments[0].key == sender_key("0406798006", "2024") and fact.increments[0].counts == {"expired": 1}


def test_ebox_events_and_others():
    assert facts_of({"detail-type": "EboxPreferenceChanged", "detail": {
        "eboxId": "0852093431", "exclusivelyEbox": True, "changedAt": "2026-01-01T00:00:00Z"}}) == [
        PreferenceChange("0852093431", True, "2026-01-01T00:00:00Z")]
    [activated] = facts_of({"detail-type": "EboxActivated", "detail": {
        "eboxId": "85073003328", "eboxType": "citizen", "activatedAt": "2026-03-04T10:00:00Z"}})
    assert isinstance(activated, CountOnce)
    assert {i.key: i.counts for i in activated.increments} == {
        EBOXES: {"activated": 1, "activated_citizen": 1}, "NEW#2026-03": {"activated": 1}}
    assert facts_of({"detail-type": "newDocumentReminder", "detail": {}}) == []


def test_increments_of_a_batch_merge_per_counter_and_shard():
    facts = [f for n in range(3) for f in facts_of({"detail-type": "MessagePublished", "detail": {
        "messageId": MESSAGE, "senderOrganizationId": "0406798006", "receiptDate": "2026-01-01T00:00:00Z"}})]
    merged = merge_increments([f for f in facts if isinstance(f, CountOnce)])
    assert sorted((i.key, i.counts["published" if i.key.startswith("YEAR") else "published_simple"])
                  for i in merged) == [(sender_key("0406798006", "2026"), 3), ("YEAR#2026", 3)]


def test_variation_and_the_twelve_month_window():
    assert variation(125, 100) == 25.0 and variation(2, 3) == -33.3 and variation(5, None) is None
    assert variation(5, 0) is None
    assert last_months(date(2026, 2, 10)) == [f"2025-{m:02d}" for m in range(3, 13)] + ["2026-01", "2026-02"]


def test_tables_sum_months_of_the_window_and_fill_the_gaps():
    counters = [
        Counter(EBOXES, {"activated": 3, "activated_enterprise": 2, "activated_citizen": 1, "exclusively": 1}),
        Counter("ACTIVE#2025-01", {"eboxes": 1}), Counter("ACTIVE#2026-05", {"eboxes": 2}),
        Counter("NEW#2026-01", {"activated": 2}), Counter("NEW#2026-03", {"activated": 1}),
        Counter("YEAR#2025", {"published": 4}), Counter("YEAR#2026", {"published": 5}),
        Counter(sender_key("0406798006", "2025"), {"published_simple": 4}),
        Counter(sender_key("0406798006", "2026"), {"published_simple": 3, "published_qualified": 2,
                                                   "read_simple": 2, "read_seconds": 7200, "accepted": 1}),
    ]
    tables = build_tables(counters, today=date(2026, 6, 1), names={"0406798006": "ONSS"})
    assert tables["eboxes"]["activeLast12Months"] == 2 and tables["eboxes"]["digitalOnly"] == 1
    assert tables["newEboxesPerMonth"] == [{"month": "2026-01", "activated": 2}, {"month": "2026-02", "activated": 0},
                                           {"month": "2026-03", "activated": 1}]
    assert tables["documentsPerYear"][1] == {"year": 2026, "documents": 5, "variationPercent": 25.0}
    row = tables["senders"][1]
    assert row["readRatePercent"] == 40.0 and row["averageHoursToFirstRead"] == 1.0
    assert row["qualified"] == {"published": 2, "accepted": 1, "refused": 0, "expired": 0, "failed": 0, "pending": 1}
    assert tables["documentsPerSenderPerYear"][1]["variationPercent"] == 25.0


class _Recorded:
    def __init__(self) -> None:
        self.events: list[tuple[str, ...]] = []

    def ebox_activated(self, ebox_id: str, ebox_type: str, activated_at: str) -> None:
        self.events.append(("activated", ebox_id, ebox_type, activated_at))

    def ebox_preference_changed(self, ebox_id: str, ebox_type: str, exclusively: bool, changed_at: str) -> None:
        self.events.append(("preference", ebox_id, ebox_type, str(exclusively), changed_at))


def test_the_registry_import_announces_each_open_ebox_and_its_preference():
    from unittest.mock import Mock

    from ebox.registry_import import import_registry

    recorded = _Recorded()
    import_registry({"enterprises": [
        {"enterpriseNumber": "0852093431", "name": "A", "active": True, "eboxActivated": True,
         "activatedAt": "2026-02-01T09:00:00.000Z", "exclusivelyEbox": True},
        {"enterpriseNumber": "0220916609", "name": "Paper", "active": True, "eboxActivated": False}],
        "citizens": [{"ssin": "85073003328", "name": "Anna", "eboxActivated": True,
                      "activatedAt": "2026-03-01T00:00:00.000Z"}]},
        Mock(), events=recorded)
    assert recorded.events == [
        ("activated", "0852093431", "enterprise", "2026-02-01T09:00:00.000Z"),
        ("preference", "0852093431", "enterprise", "True", "2026-02-01T09:00:00.000Z"),
        ("activated", "85073003328", "citizen", "2026-03-01T00:00:00.000Z")]


def test_a_stored_message_makes_the_facts_its_events_made():
    from ebox.domain.statistics import facts_of
    from ebox.domain.statistics_backfill import StoredMessage, message_facts

    message_id = "01a22ae0-f8d3-71e8-b08c-7048fb37f145"
    common = {"messageId": message_id, "senderOrganizationId": "0406798006", "receiptDate": "2025-12-31T23:30:00Z",
              "recipient": {"eboxType": "enterprise", "eboxIdValue": "0852093431"}}
    events = [{"detail-type": "MessagePublished", "detail": {**common, "registeredMailType": "qualified"}},
              {"detail-type": "MessageRead", "detail": {**common, "registeredMailType": "qualified",
                                                          "readAt": "2026-01-02T08:00:00Z"}},
              {"detail-type": "RegisteredMessageRefused", "detail": {**common, "outcome": "refused"}}]
    stored = StoredMessage(message_id, "0852093431", "2025-12-31T23:30:00Z", "0406798006", "qualified",
                           read_at="2026-01-02T08:00:00Z", delivery_state="refused")
    assert message_facts(stored) == [fact for event in events for fact in facts_of(event)]
    unread = StoredMessage(message_id, "0852093431", "2025-12-31T23:30:00Z", "0406798006", "simple",
                           delivery_state="awaiting_acceptance")
    assert message_facts(unread) == facts_of({"detail-type": "MessagePublished", "detail": {**common}})


def test_a_message_received_once_the_backfill_started_is_left_to_the_outbox():
    from ebox.domain.statistics_backfill import StoredMessage, message_facts

    stored = StoredMessage("01a22ae0-f8d3-71e8-b08c-7048fb37f145", "0852093431", "2026-11-30T10:00:00Z",
                           "0406798006", "simple", read_at="2026-11-30T11:00:00Z")
    assert [f.marker for f in message_facts(stored, published_before="2026-11-30T10:00:00Z")
            if isinstance(f, CountOnce)] == ["PUBLISHED#01a22ae0-f8d3-71e8-b08c-7048fb37f145",
                                              "READ#01a22ae0-f8d3-71e8-b08c-7048fb37f145"]
    assert [f.marker for f in message_facts(stored, published_before="2026-11-29T23:00:00Z")
            if isinstance(f, CountOnce)] == ["READ#01a22ae0-f8d3-71e8-b08c-7048fb37f145"]


class _Counted:
    def __init__(self) -> None:
        self.markers: list[str] = []

    def count_once(self, facts: list[CountOnce]) -> int:
        self.markers += [f.marker for f in facts]
        return len(facts)


def test_the_bus_copy_of_a_publication_is_not_counted_the_outbox_counts_it_from_the_stream():
    from ebox.domain.statistics import record_events

    detail = {"messageId": MESSAGE, "senderOrganizationId": "0406798006", "receiptDate": "2025-12-31T23:00:00Z"}
    store = _Counted()
    changed = record_events([{"detail-type": "MessagePublished", "detail": detail},
                             {"detail-type": "RegisteredMessageExpired", "detail": detail}], store)  # type: ignore[arg-type]
    assert changed == 1 and store.markers == [f"OUTCOME#{MESSAGE}"]


def test_a_message_publication_is_the_fact_its_event_makes():
    from ebox.domain.statistics import published_fact

    from tests.fakes import message_in

    message = message_in(MESSAGE, "GENERAL", receipt_date="2025-12-31T23:00:00Z", registered_mail_type="registered")
    assert published_fact(message) == facts_of({"detail-type": "MessagePublished", "detail": {
        "messageId": MESSAGE, "senderOrganizationId": message.sender_organization_id,
        "receiptDate": "2025-12-31T23:00:00Z", "registeredMailType": "registered"}})[0]
