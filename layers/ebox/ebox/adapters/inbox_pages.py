"""Inbox pages with filters and partitions: each page is one bounded read (docs/decisions/0020-inbox-indexes.md).

``plan_page`` picks the index whose key answers the filter (tables/message_items.py: ByReadState, ByVisibility
(hidden messages), ByRegistered, ByApplication, ByType, BySender, ByExpiration, ByAction, ByPartition; the table itself
without a filter), narrows receipt dates on the UUIDv7 sort key, and leaves the other filters and the
reader's partitions to a FilterExpression. ``read_keys`` then reads the matching keys in order: the
page's depth when counters give totalItems (no filter, readStatus, partitions), else up to
MAX_PAGE_DEPTH + 1 matches to count them; with a FilterExpression, at most RESIDUAL_READS calls of
EVALUATED_PER_READ entries. The page's items (and the counters) come in one BatchGetItem.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ebox.adapters.item_keys import day_key, ebox_partition_key, facet_keys, hidden_key, read_key
from ebox.adapters.stored_document import message_record
from ebox.adapters.tables.message_items import MessageItem, ReplyLinkItem
from ebox.domain.message import Message
from ebox.domain.message_action import TODO
from ebox.domain.message_filter import MessageFilter
from ebox.domain.notification_schedule import day_of
from ebox.domain.records import message_from_record
from ebox.domain.validity import parse_timestamp

# A message id is taken a moment before its receipt date is set: widen the key range by this much.
_ID_CLOCK_SLACK = timedelta(minutes=5)
# With filters left to a FilterExpression, a call evaluates at most this many index entries, and a page
# makes at most RESIDUAL_READS such calls: the read is bounded whatever the e-Box holds.
EVALUATED_PER_READ = 2000
RESIDUAL_READS = 2
_SEARCH_ATTRIBUTES = {"nl": MessageItem.search_nl, "fr": MessageItem.search_fr, "de": MessageItem.search_de}


def partition_summary_key(partition: str) -> str:
    return f"SUMMARY#{partition}"


def filtered_attributes(message: Message) -> dict[str, Any]:
    """The message item's top-level attributes that the filters and indexes use (its read status and
    visibility as the message has them: unread and visible when published)."""
    return {
        "partition": message.partition,
        "ebox_partition": ebox_partition_key(message.recipient, message.partition),
        "receipt_date": message.receipt_date,
        "expiration_date": message.expiration_date,
        "message_type_id": message.message_type_id,
        "sender_organization_id": message.sender_organization_id,
        "sender_application_id": message.sender_application_id,
        "registered_mail": message.is_registered_mail,
        "receipt_day": day_key(day_of(message.receipt_date), message.message_id),
        "expiration_day": day_key(day_of(message.expiration_date), message.message_id),
        **search_attributes(message),
        **facet_keys(message),
        **_action_attributes(message),
    }


def search_attributes(message: Message) -> dict[str, Any]:
    """What the inbox search matches: only what the recipient may see now (Message.searchable_text)."""
    texts = message.searchable_text
    return {f"search_{lang}": texts.get(lang) or None for lang in _SEARCH_ATTRIBUTES}


def _action_attributes(message: Message) -> dict[str, Any]:
    """A message "for action": its status, and ByAction's keys while it is still to do (and, for qualified
    mail, once accepted: the action is part of the content withheld before)."""
    action = message.action
    if action is None:
        return {}
    attributes: dict[str, Any] = {"action_status": action.status}
    if action.status == TODO and not message.content_withheld:
        attributes.update(action_ebox=f"EBOX#{message.recipient}", action_due=f"{action.due_date}#{message.message_id}")
    return attributes


def to_message(item: MessageItem) -> Message:
    return message_from_record(message_record(item), read_status=bool(item.read_status), visible=bool(item.visible),
                               delivery_state=item.delivery_state,
                               action_status={"status": item.action_status, "done_at": item.action_done_at,
                                              "done_by": item.action_done_by})


def _id_bound(moment: str | None, *, upper: bool) -> str:
    """The smallest (or largest) UUIDv7 of the millisecond ``moment`` (widened by the slack)."""
    if moment is None:
        return "MSG#" + ("f" * 8 if upper else "")
    when: datetime = parse_timestamp(moment, field_name="date")
    when = when + _ID_CLOCK_SLACK if upper else when - _ID_CLOCK_SLACK
    millis = max(int(when.timestamp() * 1000), 0) & ((1 << 48) - 1)
    value = (millis << 80) | (((1 << 80) - 1) if upper else 0)
    return "MSG#" + str(uuid.UUID(int=value))


def _conditions(wanted: MessageFilter) -> dict[str, Any]:
    """Each filter of ``wanted`` as a condition on the indexes' projected attributes, by field name."""
    conditions: dict[str, Any] = {}
    for name, condition in (
        ("received_before", lambda v: MessageItem.receipt_date < v),
        ("received_after", lambda v: MessageItem.receipt_date >= v),
        ("expired_before", lambda v: MessageItem.expiration_date < v),
        ("expired_after", lambda v: MessageItem.expiration_date >= v),
        ("read_status", lambda v: MessageItem.read_status == v),
        ("visible", lambda v: MessageItem.visible == v),
        ("registered_mail", lambda v: MessageItem.registered_mail == v),
        ("message_type_id", lambda v: MessageItem.message_type_id == v),
        ("sender_organization_id", lambda v: MessageItem.sender_organization_id == v),
        ("sender_application_id", lambda v: MessageItem.sender_application_id == v),
    ):
        value = getattr(wanted, name)
        if value is not None:
            conditions[name] = condition(value)
    if wanted.text is not None:
        languages = [wanted.text_language] if wanted.text_language else list(_SEARCH_ATTRIBUTES)
        text_condition: Any = None
        for lang in languages:
            found = _SEARCH_ATTRIBUTES[lang].contains(wanted.text)
            text_condition = found if text_condition is None else text_condition | found
        conditions["text"] = text_condition
    return conditions


def _all_of(conditions: Iterable[Any]) -> Any:
    combined: Any = None
    for condition in conditions:
        combined = condition if combined is None else combined & condition
    return combined


def readable_partitions(partitions: frozenset[str] | None, wanted: MessageFilter) -> frozenset[str] | None:
    """The partitions a page reads: the reader's (None: all), narrowed to ``wanted.partition``."""
    if wanted.partition is None:
        return partitions
    if partitions is not None and wanted.partition not in partitions:
        return frozenset()  # a partition the reader has no rights on is empty to them
    return frozenset({wanted.partition})


@dataclass(frozen=True)
class Plan:
    """How one page is read: one index (or the table), one key, a key range, and what is left to filter."""

    index: Any  # a pynamodb index, or MessageItem itself for the table
    hash_keys: tuple[str, ...]  # read each, merged newest first (ByReadState's READ and UNREAD: the whole e-Box)
    range_condition: Any = None
    residual: Any = None
    newest_first: bool = True
    counted: bool = False  # totalItems comes from the e-Box's or partitions' counters


_FACETS: tuple[tuple[str, Any, Callable[[str, Any], str]], ...] = (
    # (filter, index, its hash key for the e-Box and the value): the first one present drives the page
    ("read_status", MessageItem.by_read_state, read_key),
    ("visible", MessageItem.by_visibility, lambda ebox, v: hidden_key(ebox)),
    ("registered_mail", MessageItem.by_registered, lambda ebox, v: f"EBOX#{ebox}"),
    ("sender_application_id", MessageItem.by_application, lambda ebox, v: f"EBOX#{ebox}#{v}"),
    ("message_type_id", MessageItem.by_type, lambda ebox, v: f"EBOX#{ebox}#{v}"),
    ("sender_organization_id", MessageItem.by_sender, lambda ebox, v: f"EBOX#{ebox}#{v}"),
)
# Sparse facet indexes hold one value only: registered mail, hidden messages.
_SPARSE_FACETS = {"registered_mail": True, "visible": False}
_COUNTED_FILTERS = frozenset({"read_status", "partition"})


def plan_page(enterprise_number: str, scope: frozenset[str] | None, wanted: MessageFilter, *,
              first_page: bool = True) -> Plan:
    """The index whose key answers the most selective filter of ``wanted`` (for action, then read status,
    visibility, registered mail, application, type, sender, expiration dates; text search reads the
    e-Box's or partition's own index); the other filters and the reader's partitions are left to filter."""
    ebox = f"EBOX#{enterprise_number}"
    conditions = _conditions(wanted)
    received = (MessageItem.sk.between(_id_bound(wanted.received_after, upper=False),
                                       _id_bound(wanted.received_before, upper=True))
                if wanted.received_after or wanted.received_before else None)
    in_scope = (None if scope is None else MessageItem.partition == next(iter(scope)) if len(scope) == 1
                else MessageItem.partition.is_in(*sorted(scope)))

    def rest(*answered: str, partition_answered: bool = False) -> Any:
        left = [c for name, c in conditions.items() if name not in answered]
        return _all_of([*left, *([] if partition_answered or in_scope is None else [in_scope])])

    counted = not (set(_set_fields(wanted)) - _COUNTED_FILTERS)
    if wanted.for_action:
        due = MessageItem.action_due
        key = (due < wanted.action_due_before if wanted.action_due_before
               else due >= wanted.action_due_from if wanted.action_due_from else None)
        return Plan(MessageItem.by_action, (ebox,), key, rest(), newest_first=False)
    if "text" not in conditions:
        for name, index, hash_key in _FACETS:
            value = getattr(wanted, name)
            if value is not None and (name not in _SPARSE_FACETS or value == _SPARSE_FACETS[name]):
                return Plan(index, (hash_key(enterprise_number, value),), received, rest(name), counted=counted)
        if wanted.expired_after or wanted.expired_before:
            return Plan(MessageItem.by_expiration, (ebox,), _expiring(wanted), rest("expired_after", "expired_before"))
    if scope is not None and len(scope) == 1:
        return Plan(MessageItem.by_partition, (ebox_partition_key(enterprise_number, next(iter(scope))),), received,
                    rest(partition_answered=True), counted=counted)
    if "text" in conditions or wanted.visible:  # ByInbox projects the search texts and ``visible``
        return Plan(MessageItem.by_inbox, (ebox,), received, rest(), counted=counted)
    if not conditions and first_page:  # the whole e-Box, or a person's partitions (read from ByInbox, filtered)
        if scope is None:
            return Plan(MessageItem, (ebox,), MessageItem.sk.startswith("MSG#"), counted=counted)
        return Plan(MessageItem.by_inbox, (ebox,), None, rest(), counted=counted)
    # The whole e-Box (or several partitions) deeper than the first page, or over receipt dates: the slim
    # entries of ByReadState, both halves.
    return Plan(MessageItem.by_read_state, (read_key(enterprise_number, False), read_key(enterprise_number, True)),
                received, rest(), counted=counted)


def _expiring(wanted: MessageFilter) -> Any:
    """The range of ByExpiration's <expirationDate>#<id>: ``< before`` leaves the moment ``before`` out."""
    key = MessageItem.expiration_key
    after, before = wanted.expired_after, wanted.expired_before
    if after is not None and before is not None:
        return key.between(after, before)
    return key >= after if after is not None else key < str(before)


def _set_fields(wanted: MessageFilter) -> list[str]:
    return [name for name in MessageFilter.__dataclass_fields__ if getattr(wanted, name) is not None]


@dataclass(frozen=True)
class KeysRead:
    keys: list[tuple[str, str]]
    complete: bool  # the key range was read to its end: len(keys) is every match
    calls: int


def read_keys(plan: Plan, wanted_matches: int) -> KeysRead:
    """The first ``wanted_matches`` matching keys, in the plan's order. Bounded: at most RESIDUAL_READS
    calls per key; a page whose key answers every filter reads that many entries (one call: 1,001 slim
    entries are far below 1 MB); with filters left over, each call evaluates at most EVALUATED_PER_READ."""
    reads = [_read_one(plan, hash_key, wanted_matches) for hash_key in plan.hash_keys]
    if len(reads) == 1:
        return reads[0]
    # Merged: the first ``wanted_matches`` of the union are among each part's first ``wanted_matches``.
    keys = sorted((k for r in reads for k in r.keys), key=lambda k: k[1], reverse=plan.newest_first)
    complete = all(r.complete for r in reads)
    return KeysRead(keys if complete else keys[:wanted_matches], complete, sum(r.calls for r in reads))


def _read_one(plan: Plan, hash_key: str, wanted_matches: int) -> KeysRead:
    keys: list[tuple[str, str]] = []
    last_key = None
    for calls in range(1, RESIDUAL_READS + 1):
        # With a filter left over, the first call evaluates a few times what is wanted, the next one more.
        limit = (wanted_matches if plan.residual is None
                 else min(EVALUATED_PER_READ, max(4 * wanted_matches, 100)) if calls == 1 else EVALUATED_PER_READ)
        results = plan.index.query(hash_key, plan.range_condition, filter_condition=plan.residual,
                                   scan_index_forward=not plan.newest_first, page_size=limit,
                                   last_evaluated_key=last_key)
        page = next(results.page_iter)
        keys.extend((item["pk"]["S"], item["sk"]["S"]) for item in page.get("Items", []))
        last_key = page.get("LastEvaluatedKey")
        if last_key is None or len(keys) >= wanted_matches:
            return KeysRead(keys, last_key is None, calls)
    return KeysRead(keys, False, RESIDUAL_READS)


def summary_keys(enterprise_number: str, scope: frozenset[str] | None) -> list[tuple[str, str]]:
    ebox = f"EBOX#{enterprise_number}"
    return [(ebox, "SUMMARY")] if scope is None else [(ebox, partition_summary_key(p)) for p in sorted(scope)]


def counted_total(wanted: MessageFilter, summaries: list[dict[str, Any]]) -> int:
    """totalItems from the counters: every message, the unread ones, or the read ones."""
    messages = sum(int(s.get("number_of_messages", {}).get("N", 0)) for s in summaries)
    unread = sum(int(s.get("number_of_unread_messages", {}).get("N", 0)) for s in summaries)
    if wanted.read_status is None:
        return messages
    return messages - unread if wanted.read_status else unread


def replies_page(enterprise_number: str, *, partitions: frozenset[str] | None, wanted: MessageFilter, page: int,
                 page_size: int) -> tuple[list[Message], int]:
    """The replies in this e-Box to one message, newest first: one Query on the message's reply links,
    one BatchGetItem, then the reader's partitions."""
    partitions = readable_partitions(partitions, wanted)
    if partitions is not None and not partitions:
        return [], 0
    links = ReplyLinkItem.query(f"MSG#{wanted.original_message_id}", ReplyLinkItem.sk.startswith("REPLY#"))
    keys = sorted(((f"EBOX#{link.reply_ebox}", link.sk.replace("REPLY#", "MSG#", 1)) for link in links
                   if link.reply_ebox == enterprise_number), key=lambda k: k[1], reverse=True)
    found = [m for m in fetch(keys) if partitions is None or m.partition in partitions]
    return found[(page - 1) * page_size: page * page_size], len(found)


def fetch(keys: list[tuple[str, str]]) -> list[Message]:
    """The page's full items in one BatchGetItem, in the order of ``keys``."""
    if not keys:
        return []
    found = {item.sk: item for item in MessageItem.batch_get(keys)}
    return [to_message(found[sk]) for _, sk in keys if sk in found]
