"""Inbox pages with filters and partitions, on the slim indexes ByEbox and ByPartition (tables.py).

A page reads the matching keys from one index Query (whole e-Box) or one per partition the reader
holds rights on, merges them newest first, and fetches the page's full items with one BatchGetItem.
Without a filter, each Query stops after page x pageSize keys and totalItems comes from the e-Box's or
the partitions' counters; with a filter, the Queries read their key range to its end to count matches.
(The first unfiltered page of the whole e-Box is one Query on the table itself: see message_index.)
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from ebox.adapters.due_messages import day_key
from ebox.adapters.tables import MessageItem, ReplyLinkItem
from ebox.domain.message import Message
from ebox.domain.message_action import TODO
from ebox.domain.message_filter import MessageFilter
from ebox.domain.notification_schedule import day_of
from ebox.domain.ports import EboxSummary
from ebox.domain.records import message_from_record
from ebox.domain.validity import parse_timestamp

# A message id is taken a moment before its receipt date is set: widen the key range by this much.
_ID_CLOCK_SLACK = timedelta(minutes=5)
_SEARCH_ATTRIBUTES = {"nl": MessageItem.search_nl, "fr": MessageItem.search_fr, "de": MessageItem.search_de}


def partition_summary_key(partition: str) -> str:
    return f"SUMMARY#{partition}"


def ebox_partition_key(enterprise_number: str, partition: str) -> str:
    return f"EBOX#{enterprise_number}#{partition}"


def filtered_attributes(message: Message) -> dict[str, Any]:
    """The message item's top-level attributes that the filters and indexes use."""
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
    return message_from_record(item.document, read_status=bool(item.read_status), visible=bool(item.visible),
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


def _condition(wanted: MessageFilter) -> Any:
    conditions: list[Any] = []
    if wanted.received_before is not None:
        conditions.append(MessageItem.receipt_date < wanted.received_before)
    if wanted.received_after is not None:
        conditions.append(MessageItem.receipt_date >= wanted.received_after)
    if wanted.expired_before is not None:
        conditions.append(MessageItem.expiration_date < wanted.expired_before)
    if wanted.expired_after is not None:
        conditions.append(MessageItem.expiration_date >= wanted.expired_after)
    if wanted.read_status is not None:
        conditions.append(MessageItem.read_status == wanted.read_status)
    if wanted.visible is not None:
        conditions.append(MessageItem.visible == wanted.visible)
    if wanted.registered_mail is not None:
        conditions.append(MessageItem.registered_mail == wanted.registered_mail)
    for attribute, value in ((MessageItem.message_type_id, wanted.message_type_id),
                             (MessageItem.sender_organization_id, wanted.sender_organization_id),
                             (MessageItem.sender_application_id, wanted.sender_application_id)):
        if value is not None:
            conditions.append(attribute == value)
    if wanted.text is not None:
        languages = [wanted.text_language] if wanted.text_language else list(_SEARCH_ATTRIBUTES)
        text_condition: Any = None
        for lang in languages:
            found = _SEARCH_ATTRIBUTES[lang].contains(wanted.text)
            text_condition = found if text_condition is None else text_condition | found
        conditions.append(text_condition)
    combined: Any = None
    for condition in conditions:
        combined = condition if combined is None else combined & condition
    return combined


def _readable(partitions: frozenset[str] | None, wanted: MessageFilter) -> frozenset[str] | None:
    """The partitions a page reads: the reader's (None: all), narrowed to ``wanted.partition``."""
    if wanted.partition is None:
        return partitions
    if partitions is not None and wanted.partition not in partitions:
        return frozenset()  # a partition the reader has no rights on is empty to them
    return frozenset({wanted.partition})


def action_page(enterprise_number: str, *, partitions: frozenset[str] | None, wanted: MessageFilter, page: int,
                page_size: int) -> tuple[list[Message], int]:
    """Messages whose action is still to do, soonest due first: one Query on the sparse ByAction index,
    the due dates narrowed in its key condition (overdue: before today), the rest filtered."""
    partitions = _readable(partitions, wanted)
    if partitions is not None and not partitions:
        return [], 0
    due = MessageItem.action_due
    key_condition = (due < wanted.action_due_before if wanted.action_due_before
                     else due >= wanted.action_due_from if wanted.action_due_from else None)
    condition = _condition(wanted)
    if partitions is not None:
        mine = MessageItem.partition.is_in(*sorted(partitions))
        condition = mine if condition is None else condition & mine
    keys = _keys(MessageItem.by_action.query(f"EBOX#{enterprise_number}", key_condition, filter_condition=condition))
    return _fetch(keys[(page - 1) * page_size: page * page_size]), len(keys)


def replies_page(enterprise_number: str, *, partitions: frozenset[str] | None, wanted: MessageFilter, page: int,
                 page_size: int) -> tuple[list[Message], int]:
    """The replies in this e-Box to one message, newest first: one Query on the message's reply links,
    one BatchGetItem, then the reader's partitions."""
    partitions = _readable(partitions, wanted)
    if partitions is not None and not partitions:
        return [], 0
    links = ReplyLinkItem.query(f"MSG#{wanted.original_message_id}", ReplyLinkItem.sk.startswith("REPLY#"))
    keys = sorted(((f"EBOX#{link.reply_ebox}", link.sk.replace("REPLY#", "MSG#", 1)) for link in links
                   if link.reply_ebox == enterprise_number), key=lambda k: k[1], reverse=True)
    found = [m for m in _fetch(keys) if partitions is None or m.partition in partitions]
    return found[(page - 1) * page_size: page * page_size], len(found)


def inbox_page(enterprise_number: str, *, partitions: frozenset[str] | None, wanted: MessageFilter, page: int,
               page_size: int, summary: Callable[..., EboxSummary]) -> tuple[list[Message], int]:
    partitions = _readable(partitions, wanted)
    if partitions is not None and not partitions:
        return [], 0
    condition = _condition(wanted)
    range_condition = MessageItem.sk.between(_id_bound(wanted.received_after, upper=False),
                                             _id_bound(wanted.received_before, upper=True))
    wanted_keys = page * page_size
    limit = None if condition is not None else wanted_keys
    keys: list[tuple[str, str]] = []
    if partitions is None:
        keys.extend(_keys(MessageItem.by_ebox.query(f"EBOX#{enterprise_number}", range_condition,
                                                    filter_condition=condition, scan_index_forward=False,
                                                    limit=limit, page_size=limit)))
    else:
        for partition in sorted(partitions):
            keys.extend(_keys(MessageItem.by_partition.query(
                ebox_partition_key(enterprise_number, partition), range_condition, filter_condition=condition,
                scan_index_forward=False, limit=limit, page_size=limit)))
    keys.sort(key=lambda k: k[1], reverse=True)
    total = summary(enterprise_number, partitions).number_of_messages if condition is None else len(keys)
    return _fetch(keys[(page - 1) * page_size: wanted_keys]), total


def _keys(items: Iterable[MessageItem]) -> list[tuple[str, str]]:
    return [(item.pk, item.sk) for item in items]


def _fetch(keys: list[tuple[str, str]]) -> list[Message]:
    """The page's full items in one BatchGetItem, in the order of ``keys``."""
    if not keys:
        return []
    found = {item.sk: item for item in MessageItem.batch_get(keys)}
    return [to_message(found[sk]) for _, sk in keys if sk in found]
