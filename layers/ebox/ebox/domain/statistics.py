"""The platform's statistics, kept as counters: what each event of the bus adds to which counter.

Every fact is counted once. A publication is counted by the outbox from the messages table's stream
(:class:`StreamedPublications`): each counter remembers, per stream shard, the last stream record it
counted, so a batch delivered again counts nothing twice and no marker is written per message; the bus's
``MessagePublished`` is not counted again (:func:`record_events`). A fact that happens once per message or
per e-Box and reaches the statistics by the bus (a first read, a qualified outcome, an activation) carries a
*marker* (its identity); the store writes the marker and the counter increments in one transaction, so an
event delivered twice counts once. Two facts are states that change (an e-Box's digital-only preference,
the month of its last read): they move a counter from one value to another, conditioned on the state they
saw (see :class:`StatisticsStore`).

Counters are spread over ``SHARDS`` partitions (by message or e-Box id) so that a busy hour writes to
several; reading the statistics reads every shard: a bounded number of small items, whatever the number
of messages (senders x years + months + a few), never the messages themselves.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from ebox.domain.message import Message

SHARDS = 8
MESSAGE_PUBLISHED = "MessagePublished"
COUNTED_FROM_THE_STREAM = frozenset({MESSAGE_PUBLISHED})  # the outbox counts these; the bus's copy is not counted
SOURCE_EBOXES = "ebox.ebox-registry"  # e-Box events: not the audit trail's (message events only)
EBOX_ACTIVATED = "EboxActivated"
EBOX_PREFERENCE_CHANGED = "EboxPreferenceChanged"
LEVELS = ("simple", "registered", "qualified")
OUTCOMES = {"RegisteredMessageAccepted": "accepted", "RegisteredMessageRefused": "refused",
            "RegisteredMessageExpired": "expired", "RegisteredMessageFailed": "failed"}

# Counter keys: <kind>#<dimensions>; each is one item per shard, its attributes are the counts.
EBOXES = "EBOXES"  # activated, activated_enterprise, activated_citizen, exclusively


def shard_of(identity: str) -> int:
    return hashlib.sha256(identity.encode()).digest()[0] % SHARDS


def year_key(year: str) -> str:
    return f"YEAR#{year}"  # published


def sender_key(organization: str, year: str) -> str:
    return f"SENDER#{organization}#{year}"  # published_<level>, read_<level>, read_seconds, <outcome>


def new_eboxes_key(month: str) -> str:
    return f"NEW#{month}"  # activated


def active_key(month: str) -> str:
    return f"ACTIVE#{month}"  # eboxes: e-Boxes whose last read falls in that month


@dataclass(frozen=True)
class Increment:
    """Adds ``counts`` to the counter ``key`` of shard ``shard``."""

    key: str
    shard: int
    counts: dict[str, int]


@dataclass(frozen=True)
class CountOnce:
    """A fact counted once: its marker (what makes it unique) and what it adds."""

    marker: str
    increments: tuple[Increment, ...]


@dataclass(frozen=True)
class PreferenceChange:
    """An e-Box's digital-only preference, as it stood at ``changed_at``."""

    ebox_id: str
    exclusively: bool
    changed_at: str


@dataclass(frozen=True)
class Activity:
    """An e-Box read a message in ``month``."""

    ebox_id: str
    month: str


Fact = CountOnce | PreferenceChange | Activity


class StreamedPublications(Protocol):
    """The publications of one batch of the messages table's stream, counted once per counter and stream shard."""

    def count_streamed(self, stream_shard: str | None, publications: list[tuple[str, CountOnce]]) -> int:
        """Adds each publication (its stream sequence number, its fact) that the counters it touches have not
        counted yet from ``stream_shard``; returns how many publications were new to at least one counter.
        Without a shard id (a stream consumer invoked without one), each is counted by its marker instead."""
        ...


class StatisticsStore(Protocol):
    def count_once(self, facts: list[CountOnce]) -> int:
        """Writes each fact whose marker is new, with its increments, atomically; returns how many were new."""
        ...

    def change_preference(self, change: PreferenceChange) -> bool:
        """Applies the change if it is newer than the e-Box's last one and changes the value (the
        ``exclusively`` counter moves by one); returns whether the counter moved."""
        ...

    def record_activity(self, activity: Activity) -> bool:
        """Moves the e-Box's last-read month forward (one e-Box leaves its old month's counter and joins
        the new one's); an older or equal month changes nothing. Returns whether it moved."""
        ...

    def counters(self, prefix: str = "") -> list[Counter]:
        """Every counter whose key starts with ``prefix``, summed over the shards."""
        ...


@dataclass
class Counter:
    key: str
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, counts: dict[str, int]) -> None:
        for name, value in counts.items():
            self.counts[name] = self.counts.get(name, 0) + value


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def _message_time(detail: dict[str, Any]) -> datetime:
    """When the message was published: its receiptDate, else the time in its UUIDv7 id."""
    if detail.get("receiptDate"):
        return _instant(str(detail["receiptDate"]))
    millis = uuid.UUID(str(detail["messageId"])).int >> 80
    return datetime.fromtimestamp(millis / 1000, UTC)


def _level(detail: dict[str, Any]) -> str:
    level = str(detail.get("registeredMailType") or "simple")
    return level if level in LEVELS else "simple"


def _ebox_id(detail: dict[str, Any]) -> str:
    ref = detail.get("recipient") or {}
    return str(ref.get("eboxIdValue") or ref.get("ssin") or ref.get("enterpriseNumber") or detail.get("eboxId") or "")


def facts_of(event: dict[str, Any]) -> list[Fact]:
    """What an EventBridge event (as SQS delivers its body) adds to the statistics; [] for the others."""
    kind, detail = event.get("detail-type"), event.get("detail") or {}
    if kind == MESSAGE_PUBLISHED:
        return [_published(detail)]
    if kind == "MessageRead":
        read_at = _instant(str(detail["readAt"]))
        return [_read(detail, read_at), Activity(_ebox_id(detail), read_at.strftime("%Y-%m"))]
    if kind in OUTCOMES:
        return [_outcome(detail, OUTCOMES[str(kind)])]
    if kind == EBOX_ACTIVATED:
        return [_activated(detail)]
    if kind == EBOX_PREFERENCE_CHANGED:
        return [PreferenceChange(str(detail["eboxId"]), bool(detail["exclusivelyEbox"]), str(detail["changedAt"]))]
    return []


def published_fact(message: Message) -> CountOnce:
    """What a message's publication adds (as its ``MessagePublished`` event would)."""
    return _published({"messageId": message.message_id, "receiptDate": message.receipt_date,
                       "senderOrganizationId": message.sender_organization_id,
                       "registeredMailType": message.registered_mail_type})


def _published(detail: dict[str, Any]) -> CountOnce:
    message_id, year = str(detail["messageId"]), str(_message_time(detail).year)
    shard = shard_of(message_id)
    return CountOnce(f"PUBLISHED#{message_id}", (
        Increment(year_key(year), shard, {"published": 1}),
        Increment(sender_key(str(detail["senderOrganizationId"]), year), shard, {f"published_{_level(detail)}": 1}),
    ))


def _read(detail: dict[str, Any], read_at: datetime) -> CountOnce:
    message_id, published = str(detail["messageId"]), _message_time(detail)
    seconds = max(0, int((read_at - published).total_seconds()))
    return CountOnce(f"READ#{message_id}", (Increment(
        sender_key(str(detail["senderOrganizationId"]), str(published.year)), shard_of(message_id),
        {f"read_{_level(detail)}": 1, "read_seconds": seconds}),))


def _outcome(detail: dict[str, Any], outcome: str) -> CountOnce:
    message_id = str(detail["messageId"])
    year = str(_message_time(detail).year)
    return CountOnce(f"OUTCOME#{message_id}", (Increment(
        sender_key(str(detail["senderOrganizationId"]), year), shard_of(message_id), {outcome: 1}),))


def _activated(detail: dict[str, Any]) -> CountOnce:
    ebox_id, ebox_type = str(detail["eboxId"]), str(detail.get("eboxType", "enterprise")).lower()
    shard = shard_of(ebox_id)
    return CountOnce(f"ACTIVATED#{ebox_id}", (
        Increment(EBOXES, shard, {"activated": 1, f"activated_{ebox_type}": 1}),
        Increment(new_eboxes_key(_instant(str(detail["activatedAt"])).strftime("%Y-%m")), shard, {"activated": 1}),
    ))


def record_facts(facts: list[Fact], store: StatisticsStore) -> int:
    """Applies the facts of a batch of events; returns how many changed a counter."""
    changed = store.count_once([f for f in facts if isinstance(f, CountOnce)])
    for fact in facts:
        if isinstance(fact, PreferenceChange):
            changed += store.change_preference(fact)
        elif isinstance(fact, Activity):
            changed += store.record_activity(fact)
    return changed


def merge_increments(facts: list[CountOnce]) -> list[Increment]:
    """The increments of several facts, one per (key, shard): what one transaction writes."""
    merged: dict[tuple[str, int], dict[str, int]] = {}
    for fact in facts:
        for inc in fact.increments:
            counts = merged.setdefault((inc.key, inc.shard), {})
            for name, value in inc.counts.items():
                counts[name] = counts.get(name, 0) + value
    return [Increment(key, shard, counts) for (key, shard), counts in merged.items()]


def record_events(events: list[dict[str, Any]], store: StatisticsStore) -> int:
    """Counts a batch of bus events (as their SQS bodies hold them); returns how many changed a counter. A
    publication is not counted here: the outbox counts it from the stream (``COUNTED_FROM_THE_STREAM``)."""
    return record_facts([fact for event in events if event.get("detail-type") not in COUNTED_FROM_THE_STREAM
                         for fact in facts_of(event)], store)
