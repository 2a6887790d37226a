"""The inbox filters of the v2.1 consultation API, parsed from query parameters into one typed object."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime

from ebox.domain.errors import InvalidInput
from ebox.domain.limits import check_moment
from ebox.domain.partitions import partition_id
from ebox.domain.search import search_query
from ebox.domain.validity import format_timestamp

_BOOLEANS = {"true": True, "false": False}


@dataclass(frozen=True)
class MessageFilter:
    """Every field None means "no condition". Dates are timestamps ("YYYY-MM-DDTHH:MM:SSZ"):
    ``received_after``/``expired_after`` are inclusive, ``received_before``/``expired_before`` exclusive."""

    received_before: str | None = None
    received_after: str | None = None
    expired_before: str | None = None
    expired_after: str | None = None
    read_status: bool | None = None
    visible: bool | None = None
    message_type_id: str | None = None
    sender_organization_id: str | None = None
    sender_application_id: str | None = None
    registered_mail: bool | None = None
    text: str | None = None  # normalised (ebox.domain.search)
    text_language: str | None = None
    partition: str | None = None  # our extension: one partition among those the reader may see
    # Our extension, messages "for action" still to do (soonest due first); ``overdue``: due before today.
    for_action: bool | None = None
    action_due_before: str | None = None  # YYYY-MM-DD, exclusive (overdue=true)
    action_due_from: str | None = None  # YYYY-MM-DD, inclusive (overdue=false)
    # Our extension: the replies in this e-Box to that message (sent through …/replies); with `partition` only.
    original_message_id: str | None = None

    @property
    def is_empty(self) -> bool:
        return all(getattr(self, f.name) is None for f in fields(self))


def parse_moment(name: str, value: str | None) -> str | None:
    """A date (the day's start) or a date-time, as a timestamp."""
    if value is None:
        return None
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            check_moment(name, datetime(day.year, day.month, day.day, tzinfo=UTC))
            return day.isoformat() + "T00:00:00Z"
        return format_timestamp(check_moment(name, datetime.fromisoformat(value.replace("Z", "+00:00"))))
    except ValueError:
        raise InvalidInput(f"{name} is a date (YYYY-MM-DD) or a date-time with its offset") from None


def _flag(name: str, value: str | None) -> bool | None:
    if value is None:
        return None
    if value.lower() not in _BOOLEANS:
        raise InvalidInput(f"{name} is true or false")
    return _BOOLEANS[value.lower()]


def _identifier(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    if not value or len(value) > 100:
        raise InvalidInput(f"{name} is 1 to 100 characters")
    return value


def _action_filter(params: Mapping[str, str], today: date | None) -> dict[str, object]:
    """`forAction=true` lists the actions still to do; `overdue=true|false` (implies forAction) splits them
    on today's date (UTC)."""
    for_action, overdue = _flag("forAction", params.get("forAction")), _flag("overdue", params.get("overdue"))
    if for_action is False:
        raise InvalidInput("forAction=false is not a filter: leave forAction out")
    if for_action is None and overdue is None:
        return {}
    day = (today or datetime.now(UTC).date()).isoformat()
    return {"for_action": True, "action_due_before": day if overdue else None,
            "action_due_from": day if overdue is False else None}


def parse_filter(params: Mapping[str, str], *, today: date | None = None) -> MessageFilter:
    wanted = _parse_filter(params, today)
    if wanted.original_message_id is not None:
        others = [f.name for f in fields(wanted) if getattr(wanted, f.name) is not None
                  and f.name not in ("original_message_id", "partition")]
        if others:
            raise InvalidInput("originalMessageId goes with partition only (the replies to one message are few)")
    return wanted


def _parse_filter(params: Mapping[str, str], today: date | None) -> MessageFilter:
    search = search_query(params.get("q"), params.get("qlang"))
    partition = params.get("partition")
    return MessageFilter(
        **_action_filter(params, today),  # type: ignore[arg-type]
        received_before=parse_moment("receivedBefore", params.get("receivedBefore")),
        received_after=parse_moment("receivedAfter", params.get("receivedAfter")),
        expired_before=parse_moment("expiredBefore", params.get("expiredBefore")),
        expired_after=parse_moment("expiredAfter", params.get("expiredAfter")),
        read_status=_flag("readStatus", params.get("readStatus")),
        visible=_flag("visible", params.get("visible")),
        message_type_id=_identifier("messageTypeId", params.get("messageTypeId")),
        sender_organization_id=_identifier("senderOrganizationId", params.get("senderOrganizationId")),
        sender_application_id=_identifier("senderApplicationId", params.get("senderApplicationId")),
        registered_mail=_flag("registeredMail", params.get("registeredMail")),
        text=search[0] if search else None,
        text_language=search[1] if search else None,
        partition=partition_id(partition) if partition is not None else None,
        original_message_id=_identifier("originalMessageId", params.get("originalMessageId")),
    )


def matches(message_fields: Mapping[str, object], wanted: MessageFilter) -> bool:
    """The same conditions on plain values (the in-memory index of the tests; the DynamoDB adapter
    builds a FilterExpression instead). ``message_fields`` uses MessageFilter's names."""
    received = str(message_fields["receipt_date"])
    expires = str(message_fields["expiration_date"])
    checks = [
        wanted.received_before is None or received < wanted.received_before,
        wanted.received_after is None or received >= wanted.received_after,
        wanted.expired_before is None or expires < wanted.expired_before,
        wanted.expired_after is None or expires >= wanted.expired_after,
    ]
    for name in ("read_status", "visible", "message_type_id", "sender_organization_id", "sender_application_id",
                 "registered_mail", "partition"):
        value = getattr(wanted, name)
        checks.append(value is None or message_fields[name] == value)
    if wanted.original_message_id is not None:
        checks.append(message_fields.get("original_message_id") == wanted.original_message_id)
    if wanted.for_action:
        due = message_fields.get("action_due")  # None unless an action is still to do
        checks.append(isinstance(due, str) and (wanted.action_due_before is None or due < wanted.action_due_before)
                      and (wanted.action_due_from is None or due >= wanted.action_due_from))
    if wanted.text is not None:
        texts = message_fields["search_text"]
        assert isinstance(texts, dict)
        languages = [wanted.text_language] if wanted.text_language else list(texts)
        checks.append(any(wanted.text in texts.get(lang, "") for lang in languages))
    return all(checks)
