"""`searchMessageStatus` (v2.1): a sender asks what became of its messages."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Protocol

from ebox.domain.enterprise_number import normalise_enterprise_number
from ebox.domain.errors import InvalidInput
from ebox.domain.message import Message
from ebox.domain.recipients import ebox_type_of

MAX_QUERIES = 100


class MessageLookup(Protocol):
    def many(self, keys: list[tuple[str, str]]) -> list[Message]: ...


def parse_status_queries(data: Any) -> list[tuple[str, str]]:
    """`[{messageId, eboxId: {eboxType: "enterprise", eboxIdValue}}]` → (enterprise number, messageId)."""
    if not isinstance(data, list) or not data:
        raise InvalidInput("the body is a list of {messageId, eboxId: {eboxType, eboxIdValue}}")
    if len(data) > MAX_QUERIES:
        raise InvalidInput(f"at most {MAX_QUERIES} messages per request")
    keys = []
    for index, item in enumerate(data):
        ebox = item.get("eboxId") if isinstance(item, dict) else None
        if not isinstance(ebox, dict) or not isinstance(item.get("messageId"), str):
            raise InvalidInput(f"item {index}: messageId and eboxId are required")
        if ebox.get("eboxType", "enterprise") != "enterprise":
            raise InvalidInput(f"item {index}: only enterprise e-Boxes are served here")
        keys.append((normalise_enterprise_number(str(ebox.get("eboxIdValue", ""))), item["messageId"]))
    return list(dict.fromkeys(keys))


def statuses(sender_org: str, keys: list[tuple[str, str]], lookup: MessageLookup, *,
             today: date | None = None) -> list[dict[str, Any]]:
    """The status of each of the sender's own messages; other senders' messages are left out, as if
    they did not exist. ``today`` (UTC, by default the clock's) decides which actions are overdue."""
    day = today or datetime.now(UTC).date()
    return [status_of(m, day) for m in lookup.many(keys) if m.sender_organization_id == sender_org]


def status_of(message: Message, today: date) -> dict[str, Any]:
    """What a sender may know of one of its messages once published: whether it was read, hidden,
    accepted or refused (qualified mail), and its action's status."""
    m = message
    return {
        "messageId": m.message_id,
        "eboxId": {"eboxType": ebox_type_of(m.recipient), "eboxIdValue": m.recipient},
        "expirationDate": m.expiration_date,
        "readStatus": m.read_status,
        "visible": m.visible,
        **({"deliveryState": m.delivery_state} if m.delivery_state else {}),
        **({"action": _action_status(m, today)} if m.action else {}),
    }


def _action_status(message: Message, today: date) -> dict[str, Any]:
    """What the sender learns of its action: kind, due date, TODO or DONE and when (not who: that is the
    enterprise's own business)."""
    assert message.action is not None
    action = message.action
    return {**action.to_dict(), "status": action.status, "overdue": action.is_overdue(today),
            **({"doneAt": action.done_at} if action.done_at else {})}
