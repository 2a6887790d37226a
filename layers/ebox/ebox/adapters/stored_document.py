"""The message item's ``document``: the message's record (ebox.domain.records) less what the item already
holds in its own attributes, so that a simple message's item stays near 1 KB instead of 3 (a write costs one
unit per KB, twice in the publication's transaction: docs/decisions/0023-message-item-cost.md).

Left out of the document, and put back from the item when it is read:

- what the keys and the filtered attributes hold: the message id (``sk``), the recipient (``pk``), sender,
  application, type, receipt and expiration dates, registered mail, partition;
- the search texts, which the item holds in ``search_nl|fr|de`` (ebox.adapters.inbox_pages.search_attributes),
  except for qualified mail, whose attributes hold the sealed texts until it is accepted: its document keeps
  both (the acceptance copies the full texts onto the item, ebox.adapters.delivery_states);
- empty and default values (no body, no business data, not signed, the document at its usual key …).

Items written before keep their whole record (it has ``messageId``) and are read as they are."""

from __future__ import annotations

from typing import Any

from ebox.adapters.tables.message_items import MessageItem
from ebox.domain.message import LANGUAGES, Message
from ebox.domain.records import message_to_record

# The record's fields that the item's keys and attributes hold (read back from them).
_ON_THE_ITEM = ("messageId", "recipient", "senderOrganizationId", "senderApplicationId", "messageTypeId",
                "receiptDate", "expirationDate", "isRegisteredMail", "partition")
_DEFAULTS: dict[str, Any] = {"senderPartition": None, "body": None, "isBodyMainContent": False,
                             "isReplyAuthorized": False, "registeredMailType": None, "originalMessageId": None,
                             "forTheAttentionOf": None, "businessData": [], "recipientHasDigitalEbox": True}
_ATTACHMENT_DEFAULTS: dict[str, Any] = {"isSigned": False, "title": None}


def _content_key(message_id: str, attachment_id: str) -> str:
    return f"messages/{message_id}/attachments/{attachment_id}"  # where the content store puts a document


def stored_document(message: Message) -> dict[str, Any]:
    """What the item's ``document`` holds of ``message`` (see the module)."""
    record = message_to_record(message)
    document = {name: value for name, value in record.items()
                if name not in _ON_THE_ITEM and not (name in _DEFAULTS and value == _DEFAULTS[name])}
    if message.registered_mail_type != "qualified":
        document.pop("searchText", None)
    document["attachments"] = [_stored_attachment(message.message_id, a) for a in record["attachments"]]
    return document


def _stored_attachment(message_id: str, attachment: dict[str, Any]) -> dict[str, Any]:
    kept = {name: value for name, value in attachment.items()
            if not (name in _ATTACHMENT_DEFAULTS and value == _ATTACHMENT_DEFAULTS[name])}
    if kept.get("contentKey") == _content_key(message_id, attachment["attachmentId"]):
        del kept["contentKey"]
    return kept


def message_record(item: MessageItem) -> dict[str, Any]:
    """The message's whole record, from its item (a document written before is returned as it is)."""
    document = dict(item.document or {})
    if "messageId" in document:
        return document
    message_id = item.sk.removeprefix("MSG#")
    record: dict[str, Any] = {
        **_DEFAULTS,
        "messageId": message_id,
        "recipient": item.pk.removeprefix("EBOX#"),
        "senderOrganizationId": item.sender_organization_id,
        "senderApplicationId": item.sender_application_id,
        "messageTypeId": item.message_type_id,
        "receiptDate": item.receipt_date,
        "expirationDate": item.expiration_date,
        "isRegisteredMail": bool(item.registered_mail),
        "partition": item.partition,
        "searchText": {lang: text for lang in LANGUAGES if (text := getattr(item, f"search_{lang}"))},
        **document,
    }
    record["attachments"] = [{**_ATTACHMENT_DEFAULTS, "contentKey": _content_key(message_id, a["attachmentId"]), **a}
                             for a in document.get("attachments", [])]
    return record
