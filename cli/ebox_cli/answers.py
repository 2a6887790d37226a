"""The API's answers parsed into typed objects at the edge; `raw` keeps the JSON for `--json`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ebox_cli.errors import UnexpectedAnswer


def _object(data: Any, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise UnexpectedAnswer(f"{what} is not a JSON object")
    return data


def _required(data: dict[str, Any], key: str, what: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise UnexpectedAnswer(f"{what} has no {key}")
    return value


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value)


def _optional_text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return str(value) if value else None


def _optional_int(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    return value if isinstance(value, int) else None


def _number(data: dict[str, Any], key: str) -> float:
    try:
        return float(data.get(key) or 0)
    except (TypeError, ValueError):
        return 0.0


def _translated(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items() if v} if isinstance(value, dict) else {}


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    scope: str
    expires_in: int | None
    raw: dict[str, Any]

    @classmethod
    def from_json(cls, data: Any) -> IssuedToken:
        body = _object(data, "the token answer")
        return cls(_required(body, "access_token", "the token answer"), _text(body, "scope"),
                   _optional_int(body, "expires_in"), body)


@dataclass(frozen=True)
class Published:
    message_id: str
    expiration_date: str
    code: str | None
    raw: dict[str, Any]

    @classmethod
    def from_json(cls, data: Any) -> Published:
        body = _object(data, "the publication answer")
        return cls(_required(body, "messageId", "the publication answer"), _text(body, "expirationDate"),
                   _optional_text(body, "code"), body)


@dataclass(frozen=True)
class EboxSummary:
    number_of_messages: int
    number_of_unread_messages: int
    ebox_size_kb: float
    last_receipt_date: str
    raw: dict[str, Any]

    @classmethod
    def from_json(cls, data: Any) -> EboxSummary:
        body = _object(data, "the e-Box summary")
        return cls(int(_number(body, "numberOfMessages")), int(_number(body, "numberOfUnreadMessages")),
                   _number(body, "eboxSize"), _text(body, "lastReceiptDate"), body)


@dataclass(frozen=True)
class Attachment:
    attachment_id: str
    file_name: str
    media_type: str
    size_kb: float
    main_content: bool
    digest: str
    content_href: str

    @classmethod
    def from_json(cls, data: Any, message_id: str) -> Attachment:
        body = _object(data, f"an attachment of {message_id}")
        attachment_id = _required(body, "attachmentId", f"an attachment of {message_id}")
        digest = body.get("digest")
        href = _text(body, "contentHref") or (
            f"/messageRegistry/v2/ebox/messages/{message_id}/attachments/{attachment_id}/content")
        return cls(attachment_id, _text(body, "fileName") or attachment_id, _text(body, "mediaType"),
                   _number(body, "size"), bool(body.get("mainContent")),
                   _text(digest, "digestValue") if isinstance(digest, dict) else "", href)


@dataclass(frozen=True)
class Message:
    message_id: str
    subject: dict[str, str]
    receipt_date: str
    expiration_date: str
    read: bool
    registered_mail: bool
    sender_organization_id: str
    sender_application_id: str
    message_type_id: str
    body_main_content: bool
    attachments: list[Attachment] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def action(self) -> dict[str, Any] | None:
        """Our extension: what the message asks to be done, by when, and whether it is (kind, dueDate, status…)."""
        action = self.raw.get("action")
        return action if isinstance(action, dict) else None

    @property
    def original_message_id(self) -> str:
        return _text(self.raw, "originalMessageId")

    @property
    def reply_ids(self) -> list[str]:
        replies = self.raw.get("replies")
        items = replies.get("items") if isinstance(replies, dict) else None
        return [str(r["messageId"]) for r in items or [] if isinstance(r, dict) and r.get("messageId")]

    @classmethod
    def from_json(cls, data: Any) -> Message:
        body = _object(data, "a message")
        message_id = _required(body, "messageId", "a message")
        listed = body.get("attachments")
        items = listed.get("items") if isinstance(listed, dict) else listed
        return cls(
            message_id=message_id, subject=_translated(body.get("subject")), receipt_date=_text(body, "receiptDate"),
            expiration_date=_text(body, "expirationDate"), read=bool(body.get("readStatus")),
            registered_mail=bool(body.get("registeredMail")),
            sender_organization_id=_text(body, "senderOrganizationId"),
            sender_application_id=_text(body, "senderApplicationId"), message_type_id=_text(body, "messageTypeId"),
            body_main_content=bool(body.get("bodyMainContent")),
            attachments=[Attachment.from_json(item, message_id) for item in items or []], raw=body)


@dataclass(frozen=True)
class MessagePage:
    items: list[Message]
    total_items: int
    raw: dict[str, Any]

    @classmethod
    def from_json(cls, data: Any) -> MessagePage:
        body = _object(data, "the list of messages")
        items = body.get("items")
        if not isinstance(items, list):
            raise UnexpectedAnswer("the list of messages has no items")
        return cls([Message.from_json(item) for item in items], int(_number(body, "totalItems")) or len(items), body)


@dataclass(frozen=True)
class Content:
    """A document's bytes, with the digest the response's headers announced (if any)."""

    data: bytes
    header_digest: str | None


def translated_body(data: Any) -> dict[str, str]:
    return _translated(_object(data, "the message body"))


MAIL_TIMES = ("timestamp", "sentAt", "date")


def mail_list(data: Any) -> list[dict[str, Any]]:
    """The captured e-mails, newest first: a JSON list (or an object holding one), whatever fields each has.
    Sorted by their time when every e-mail has one; otherwise in the order the local stack gave (newest first)."""
    if isinstance(data, dict):
        data = next((data[k] for k in ("items", "mails", "messages") if isinstance(data.get(k), list)), None)
    if not isinstance(data, list):
        raise UnexpectedAnswer("the captured e-mails are not a JSON list")
    mails = [item if isinstance(item, dict) else {"value": item} for item in data]
    for key in MAIL_TIMES:
        kinds = {type(mail.get(key)) for mail in mails}
        if len(kinds) == 1 and kinds <= {str, int, float}:
            return sorted(mails, key=lambda mail: mail[key], reverse=True)
    return mails
