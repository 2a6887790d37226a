"""A sender's published messages, newest first, with what became of each: read or not, accepted or
refused (qualified mail), its action done or not (``GET /messageRegistry/v3/sentMessages``), and one of
them by its id (``GET /messageRegistry/v3/sentMessages/{messageId}``).

`searchMessageStatus` answers for message ids the sender already holds; this list is how a clerk (or an
integration that lost its ids) finds them. Paging is by cursor: ``before`` is the last message id the page
looked at (message ids are UUIDv7, so they sort by publication time).

Filters (docs/decisions/0009-sent-messages-index.md): a receipt date range narrows the keys read (the
UUIDv7 sort key); the status filters (read, qualified outcome, action) are checked on the messages
themselves, since the SentBy index holds keys only. A filtered page therefore looks at no more than
EXAMINED_PER_PAGE of the sender's messages: it holds the matches among them, and ``before`` says where the
next page goes on looking (a page may hold fewer matches than pageSize, or none, and still have a next)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from ebox.domain.encoding import ascii_digits
from ebox.domain.errors import InvalidInput, NotFound
from ebox.domain.ids import first_message_id_at
from ebox.domain.message import Message
from ebox.domain.message_filter import parse_moment
from ebox.domain.message_status import status_of
from ebox.domain.validity import parse_timestamp

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
EXAMINED_PER_PAGE = 200  # a page with status filters reads at most this many messages (2 BatchGetItem)
_ID_CLOCK_SLACK = timedelta(minutes=5)  # a message id is taken a moment before its receipt date is set
_MESSAGE_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_BOOLEANS = {"true": True, "false": False}
DELIVERY_FILTERS = {"pending": ("awaiting_acceptance", "answered"), "accepted": ("accepted",),
                    "refused": ("refused",), "expired": ("expired",)}
ACTION_FILTERS = ("TODO", "DONE")


@dataclass(frozen=True)
class SentQuery:
    page_size: int = DEFAULT_PAGE_SIZE
    before: str | None = None  # the last message id the previous page looked at
    read_status: bool | None = None
    delivery: str | None = None  # a key of DELIVERY_FILTERS (qualified mail only)
    action_status: str | None = None  # TODO or DONE (messages for action only)
    received_after: str | None = None  # inclusive timestamp
    received_before: str | None = None  # exclusive timestamp

    @property
    def checks_status(self) -> bool:
        return self.read_status is not None or self.delivery is not None or self.action_status is not None

    def matches(self, message: Message) -> bool:
        if self.read_status is not None and message.read_status != self.read_status:
            return False
        if self.delivery is not None and message.delivery_state not in DELIVERY_FILTERS[self.delivery]:
            return False
        if self.action_status is not None and (message.action is None or message.action.status != self.action_status):
            return False
        if self.received_after is not None and message.receipt_date < self.received_after:
            return False
        return self.received_before is None or message.receipt_date < self.received_before


class SentMessageSource(Protocol):
    def sent_keys(self, organization_id: str, *, before: str | None, limit: int,
                  after: str | None = None) -> list[tuple[str, str]]:
        """(e-Box, messageId) of the organisation's messages, newest first, their ids below ``before`` and
        from ``after`` on."""
        ...

    def sent_key(self, organization_id: str, message_id: str) -> tuple[str, str] | None:
        """(e-Box, messageId) of that message if the organisation published it."""
        ...

    def many(self, keys: list[tuple[str, str]]) -> list[Message]: ...


def _choice(params: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str | None:
    value = params.get(name) or None
    if value is not None and value not in allowed:
        raise InvalidInput(f"{name} is one of {', '.join(allowed)}")
    return value


def parse_sent_query(params: Mapping[str, str] | None) -> SentQuery:
    params = params or {}
    size_text = params.get("pageSize", str(DEFAULT_PAGE_SIZE))
    if not ascii_digits(size_text) or not 1 <= int(size_text) <= MAX_PAGE_SIZE:
        raise InvalidInput(f"pageSize is a number from 1 to {MAX_PAGE_SIZE}")
    before = params.get("before") or None
    if before is not None and not _MESSAGE_ID.match(before):
        raise InvalidInput("before is the messageId that ended the previous page")
    read = _choice(params, "readStatus", tuple(_BOOLEANS))
    return SentQuery(int(size_text), before, read_status=None if read is None else _BOOLEANS[read],
                     delivery=_choice(params, "deliveryState", tuple(DELIVERY_FILTERS)),
                     action_status=_choice(params, "actionStatus", ACTION_FILTERS),
                     received_after=parse_moment("receivedAfter", params.get("receivedAfter") or None),
                     received_before=parse_moment("receivedBefore", params.get("receivedBefore") or None))


def _id_bound(moment: str | None, slack: timedelta) -> str | None:
    if moment is None:
        return None
    when = parse_timestamp(moment, field_name="date") + slack
    return first_message_id_at(int(when.timestamp() * 1000))


def sent_messages(organization_id: str, wanted: SentQuery, source: SentMessageSource, *,
                  today: date | None = None) -> dict[str, Any]:
    """One page: each message's recipient, subject, dates, level and its status (as searchMessageStatus
    tells it); ``before`` of the next page when there is one. One Query of keys, then the messages (one
    BatchGetItem per hundred): at most pageSize + 1 keys, or EXAMINED_PER_PAGE with status filters."""
    day = today or datetime.now(UTC).date()
    upper = _id_bound(wanted.received_before, _ID_CLOCK_SLACK)
    before = min(b for b in (wanted.before, upper) if b) if wanted.before or upper else None
    looked_at = EXAMINED_PER_PAGE if wanted.checks_status else wanted.page_size
    keys = source.sent_keys(organization_id, before=before, limit=looked_at + 1,
                            after=_id_bound(wanted.received_after, -_ID_CLOCK_SLACK))
    examined = keys[:looked_at]
    found = sorted((m for m in source.many(examined) if m.sender_organization_id == organization_id),
                   key=lambda m: m.message_id, reverse=True)
    matching = [m for m in found if wanted.matches(m)]
    page = matching[: wanted.page_size]
    if len(matching) > wanted.page_size:
        next_before: str | None = page[-1].message_id
    else:
        next_before = examined[-1][1] if len(keys) > looked_at else None
    return {
        "items": [_sent_item(m, day) for m in page],
        "pageSize": wanted.page_size,
        **({"before": next_before} if next_before else {}),
    }


def sent_message(organization_id: str, message_id: str, source: SentMessageSource, *,
                 today: date | None = None) -> dict[str, Any]:
    """One message the organisation published, as the list shows it; NotFound for any other."""
    key = source.sent_key(organization_id, message_id) if _MESSAGE_ID.match(message_id) else None
    found = [m for m in source.many([key]) if m.sender_organization_id == organization_id] if key else []
    if not found:
        raise NotFound(f"message {message_id} is not one your organisation sent")
    return _sent_item(found[0], today or datetime.now(UTC).date())


def _sent_item(message: Message, today: date) -> dict[str, Any]:
    return {
        **status_of(message, today),
        "subject": dict(message.subject),
        "receiptDate": message.receipt_date,
        "senderApplicationId": message.sender_application_id,
        "messageTypeId": message.message_type_id,
        "registeredMail": message.is_registered_mail,
        **({"registeredMailType": message.registered_mail_type} if message.registered_mail_type else {}),
        **({"originalMessageId": message.original_message_id} if message.original_message_id else {}),
    }
