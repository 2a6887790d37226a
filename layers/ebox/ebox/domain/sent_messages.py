"""A sender's published messages, newest first, with what became of each: read or not, accepted or
refused (qualified mail), its action done or not (``GET /messageRegistry/v3/sentMessages``).

`searchMessageStatus` answers for message ids the sender already holds; this list is how a clerk (or an
integration that lost its ids) finds them. Paging is by cursor: ``before`` is the last message id of the
previous page (message ids are UUIDv7, so they sort by publication time)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

from ebox.domain.errors import InvalidInput
from ebox.domain.message import Message
from ebox.domain.message_status import status_of

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
_MESSAGE_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass(frozen=True)
class SentQuery:
    page_size: int = DEFAULT_PAGE_SIZE
    before: str | None = None  # the last message id of the previous page


class SentMessageSource(Protocol):
    def sent_keys(self, organization_id: str, *, before: str | None, limit: int) -> list[tuple[str, str]]:
        """(e-Box, messageId) of the organisation's messages, newest first, older than ``before``."""
        ...

    def many(self, keys: list[tuple[str, str]]) -> list[Message]: ...


def parse_sent_query(params: Mapping[str, str] | None) -> SentQuery:
    params = params or {}
    size_text = params.get("pageSize", str(DEFAULT_PAGE_SIZE))
    if not size_text.isdigit() or not 1 <= int(size_text) <= MAX_PAGE_SIZE:
        raise InvalidInput(f"pageSize is a number from 1 to {MAX_PAGE_SIZE}")
    before = params.get("before") or None
    if before is not None and not _MESSAGE_ID.match(before):
        raise InvalidInput("before is the messageId that ended the previous page")
    return SentQuery(int(size_text), before)


def sent_messages(organization_id: str, wanted: SentQuery, source: SentMessageSource, *,
                  today: date | None = None) -> dict[str, Any]:
    """One page: each message's recipient, subject, dates, level and its status (as searchMessageStatus
    tells it); ``before`` of the next page when there is one."""
    day = today or datetime.now(UTC).date()
    keys = source.sent_keys(organization_id, before=wanted.before, limit=wanted.page_size + 1)
    page_keys = keys[: wanted.page_size]
    messages = sorted((m for m in source.many(page_keys) if m.sender_organization_id == organization_id),
                      key=lambda m: m.message_id, reverse=True)
    return {
        "items": [_sent_item(m, day) for m in messages],
        "pageSize": wanted.page_size,
        **({"before": page_keys[-1][1]} if len(keys) > wanted.page_size else {}),
    }


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
