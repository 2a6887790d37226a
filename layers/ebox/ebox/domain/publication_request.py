"""Reads a `messageToPublish` JSON document (v3 names, v2 names accepted) into a MessageToPublish.

Every rule that can be checked without the documents or the registry is checked here, and each
failure names the field at fault.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ebox.domain.documents import MAX_DOCUMENTS
from ebox.domain.enterprise_number import normalise_enterprise_number
from ebox.domain.errors import InvalidInput
from ebox.domain.limits import (
    MAX_BODY_BYTES,
    MAX_BUSINESS_DATA,
    MAX_BUSINESS_KEY,
    MAX_BUSINESS_VALUES,
    has_line_breaks,
    load_json,
)
from ebox.domain.message import (
    LANGUAGES,
    AttachmentToPublish,
    MessageToPublish,
    Recipient,
    Sender,
    TranslatedString,
)
from ebox.domain.message_action import parse_action
from ebox.domain.recipients import CITIZEN, ENTERPRISE
from ebox.domain.ssin import normalise_ssin
from ebox.domain.validity import parse_timestamp

MAX_SUBJECT = 400
MAX_BUSINESS_VALUE = 256


def parse_message_to_publish(raw: bytes | str) -> MessageToPublish:
    return message_from_dict(json_object(raw))


def parse_reply_content(raw: bytes | str) -> MessageContent:
    """A reply's `messageToPublish`: subject, bodyContent and attachments (the e-Box sets the rest)."""
    return content_from_dict(json_object(raw))


def json_object(raw: bytes | str) -> dict[str, Any]:
    data = load_json(raw, "messageToPublish")
    if not isinstance(data, dict):
        raise InvalidInput("messageToPublish must be a JSON object")
    return data


@dataclass(frozen=True)
class MessageContent:
    """What a message says: subject, body and announced documents, exactly one of them the main content."""

    subject: TranslatedString
    body: TranslatedString | None
    is_body_main_content: bool
    attachments: tuple[AttachmentToPublish, ...]


def content_from_dict(data: dict[str, Any]) -> MessageContent:
    """The content fields of a messageToPublish (a publication's or a reply's)."""
    announced = _list(data, "attachments")
    if len(announced) > MAX_DOCUMENTS:
        raise InvalidInput(f"at most {MAX_DOCUMENTS} documents per message, {len(announced)} announced")
    attachments = tuple(_attachment(item, i) for i, item in enumerate(announced))
    body = _translated(data.get("bodyContent"), "bodyContent", max_length=None) if data.get("bodyContent") else None
    if body is not None and sum(len(text.encode()) for text in body.values()) > MAX_BODY_BYTES:
        raise InvalidInput(f"bodyContent is larger than {MAX_BODY_BYTES} bytes (UTF-8, every language together): "
                           "send it as a document")
    is_body_main = _bool(data, "isBodyMainContent", "bodyMainContent")
    if is_body_main and body is None:
        raise InvalidInput("isBodyMainContent is true but there is no bodyContent")
    main_count = sum(a.is_main_content for a in attachments) + (1 if is_body_main else 0)
    if main_count != 1:
        raise InvalidInput(
            f"a message has exactly one main content (an attachment or the body); this one has {main_count}"
        )
    names = [a.http_part_name for a in attachments]
    if len(set(names)) != len(names):
        raise InvalidInput("two attachments name the same httpPartName")
    subject = _translated(data.get("subject"), "subject", max_length=MAX_SUBJECT)
    if any(has_line_breaks(text) for text in subject.values()):
        raise InvalidInput("subject is one line: no line breaks or control characters")
    return MessageContent(subject, body, is_body_main, attachments)


def message_from_dict(data: dict[str, Any]) -> MessageToPublish:
    content = content_from_dict(data)
    return MessageToPublish(
        sender=_sender(data),
        recipient=_recipient(data),
        message_type_id=_string(data, "messageTypeId"),
        subject=content.subject,
        body=content.body,
        is_body_main_content=content.is_body_main_content,
        is_reply_authorized=_bool(data, "isReplyAuthorized", "replyAuthorized"),
        is_registered_mail=_bool(data, "isRegisteredMail", "registeredMail") or _registered_type(data) is not None,
        registered_mail_type=_registered_type(data),
        attachments=content.attachments,
        expiration_date=_expiration_date(data),
        original_message_id=_optional_string(data, "originalMessageId"),
        for_the_attention_of=_optional_object(data, "forTheAttentionOf"),
        business_data=_business_data_list(_list(data, "businessDataList")),
        action=parse_action(data.get("action")),
    )


REGISTERED_MAIL_TYPES = ("registered", "qualified")


def _registered_type(data: dict[str, Any]) -> str | None:
    """`registeredMailType` (our v3 extension): "qualified" asks for the recipient's acceptance."""
    value = data.get("registeredMailType")
    if value is None:
        return "registered" if _bool(data, "isRegisteredMail", "registeredMail") else None
    if value not in REGISTERED_MAIL_TYPES:
        raise InvalidInput(f"registeredMailType must be one of {', '.join(REGISTERED_MAIL_TYPES)}")
    if data.get("isRegisteredMail", data.get("registeredMail", True)) is False:
        raise InvalidInput("registeredMailType is given but isRegisteredMail is false")
    return str(value)


def _sender(data: dict[str, Any]) -> Sender:
    sender = data.get("sender")
    application = data.get("senderApplicationId")
    if isinstance(sender, dict):
        number = sender.get("enterpriseNumber") or sender.get("eboxIdValue")
        partition = sender.get("partition")
        application = application or sender.get("applicationId")
    else:
        number, partition = data.get("senderOrganizationId"), None
    if not isinstance(number, str) or not number:
        raise InvalidInput("sender.enterpriseNumber is required")
    if not isinstance(application, str) or not application or len(application) > MAX_IDENTIFIER:
        raise InvalidInput(f"senderApplicationId is required (at most {MAX_IDENTIFIER} characters)")
    if partition is not None and (not isinstance(partition, str) or len(partition) > MAX_IDENTIFIER):
        raise InvalidInput(f"sender.partition must be a string of at most {MAX_IDENTIFIER} characters")
    try:
        number = normalise_enterprise_number(number)
    except InvalidInput as error:
        raise InvalidInput(f"sender: {error.message}") from None
    return Sender(enterprise_number=number, application_id=application, partition=partition)


def _recipient(data: dict[str, Any]) -> Recipient:
    recipient = data.get("recipient")
    if not isinstance(recipient, dict):
        raise InvalidInput("recipient is required: {eboxType: 'enterprise', enterpriseNumber} or "
                           "{eboxType: 'citizen', ssin}")
    ebox_type = recipient.get("eboxType", ENTERPRISE)
    if ebox_type == CITIZEN:
        try:
            return Recipient(ebox_type=CITIZEN, ebox_id=normalise_ssin(recipient.get("ssin") or
                                                                       recipient.get("eboxIdValue")))
        except InvalidInput as error:
            raise InvalidInput(f"recipient.ssin: {error.message}") from None
    if ebox_type != ENTERPRISE:
        raise InvalidInput(f"recipient.eboxType '{ebox_type}' is not an e-Box type: 'enterprise' or 'citizen'")
    number = recipient.get("enterpriseNumber") or recipient.get("eboxIdValue")
    if not isinstance(number, str):
        raise InvalidInput("recipient.enterpriseNumber is required")
    try:
        return Recipient(ebox_type=ENTERPRISE, ebox_id=normalise_enterprise_number(number))
    except InvalidInput as error:
        raise InvalidInput(f"recipient: {error.message}") from None


def _attachment(item: Any, index: int) -> AttachmentToPublish:
    where = f"attachments[{index}]"
    if not isinstance(item, dict):
        raise InvalidInput(f"{where} must be an object")
    upload_id = item.get("uploadId")
    if upload_id is not None and (not isinstance(upload_id, str) or not upload_id or len(upload_id) > MAX_IDENTIFIER):
        raise InvalidInput(f"{where}.uploadId must be the id of one of your uploads")
    part = item.get("httpPartName") or upload_id
    if not isinstance(part, str) or not part or len(part) > MAX_IDENTIFIER:
        raise InvalidInput(f"{where}.httpPartName (a file part) or uploadId (an uploaded document) is required "
                           f"(at most {MAX_IDENTIFIER} characters)")
    digest = item.get("digest")
    digest_value = None
    if digest is not None:
        if not isinstance(digest, dict) or digest.get("digestMethod", "sha_256").lower() not in ("sha_256", "sha-256"):
            raise InvalidInput(f"{where}.digest must be {{digestMethod: 'sha_256', digestValue}}")
        digest_value = digest.get("digestValue")
        if not isinstance(digest_value, str) or not digest_value or len(digest_value) > MAX_IDENTIFIER:
            raise InvalidInput(f"{where}.digest.digestValue is required")
    title = item.get("attachmentTitle")
    return AttachmentToPublish(
        http_part_name=part,
        is_main_content=_bool(item, "isMainContent", "mainContent"),
        is_signed=_bool(item, "isAttachmentSigned", "attachmentSigned"),
        title=_translated(title, f"{where}.attachmentTitle", max_length=MAX_SUBJECT) if title else None,
        digest_value=digest_value,
        upload_id=upload_id,
    )


def _business_data_list(items: list[Any]) -> tuple[dict[str, Any], ...]:
    if len(items) > MAX_BUSINESS_DATA:
        raise InvalidInput(f"businessDataList has at most {MAX_BUSINESS_DATA} items")
    return tuple(_business_data(item) for item in items)


def _business_data(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict) or not isinstance(item.get("key"), str):
        raise InvalidInput("businessDataList items need a key and values")
    if not item["key"] or len(item["key"]) > MAX_BUSINESS_KEY:
        raise InvalidInput(f"a businessData key is 1 to {MAX_BUSINESS_KEY} characters")
    values = item.get("values")
    if not isinstance(values, list) or len(values) > MAX_BUSINESS_VALUES:
        raise InvalidInput(f"businessData '{item['key'][:40]}': values must be a list of at most "
                           f"{MAX_BUSINESS_VALUES}")
    for value in values:
        _translated(value, f"businessData '{item['key']}' value", max_length=MAX_BUSINESS_VALUE)
    return item


def _translated(value: Any, where: str, *, max_length: int | None) -> TranslatedString:
    if not isinstance(value, dict) or not value:
        raise InvalidInput(f"{where} must be an object with at least one of nl, fr, de")
    unknown = set(value) - set(LANGUAGES) - {"en"}
    if unknown:
        raise InvalidInput(f"{where}: unknown language(s) {', '.join(sorted(unknown))}")
    for language, text in value.items():
        if not isinstance(text, str) or not text.strip():
            raise InvalidInput(f"{where}.{language} must be a non-empty string")
        if max_length is not None and len(text) > max_length:
            raise InvalidInput(f"{where}.{language} is longer than {max_length} characters")
    return dict(value)


def _bool(data: dict[str, Any], name: str, v2_name: str) -> bool:
    value = data.get(name, data.get(v2_name, False))
    if not isinstance(value, bool):
        raise InvalidInput(f"{name} must be true or false")
    return value


MAX_IDENTIFIER = 100


def _string(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise InvalidInput(f"{name} is required")
    if len(value) > MAX_IDENTIFIER:
        raise InvalidInput(f"{name} is at most {MAX_IDENTIFIER} characters")
    return value


def _optional_string(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is not None and (not isinstance(value, str) or len(value) > MAX_IDENTIFIER):
        raise InvalidInput(f"{name} must be a string of at most {MAX_IDENTIFIER} characters")
    return value


def _expiration_date(data: dict[str, Any]) -> str | None:
    value = _optional_string(data, "expirationDate")
    if value is not None:
        parse_timestamp(value, field_name="expirationDate")  # its form and range, before any work
    return value


def _optional_object(data: dict[str, Any], name: str) -> dict[str, Any] | None:
    value = data.get(name)
    if value is not None and not isinstance(value, dict):
        raise InvalidInput(f"{name} must be an object")
    return value


def _list(data: dict[str, Any], name: str) -> list[Any]:
    value = data.get(name, [])
    if not isinstance(value, list):
        raise InvalidInput(f"{name} must be a list")
    return value
