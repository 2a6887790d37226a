"""The message item's ``document``: the message's record (ebox.domain.records) less what the item already
holds in its own attributes or what is at its default, so that a simple message's item takes 2 KB instead
of 3 (a write costs one unit per KB, twice in the publication's transaction:
docs/decisions/0023-message-item-cost.md).

Left out of the document, and put back when the item is read:

- the search texts, which the item holds in ``search_nl|fr|de`` (ebox.adapters.inbox_pages.search_attributes),
  except for qualified mail, whose attributes hold the sealed texts until it is accepted: its document keeps
  both (the acceptance copies the full texts onto the item, ebox.adapters.delivery_states);
- the optional fields at their default (no body, no business data, no reply, a title-less document …).

What earlier releases read as required stays (the ids, dates and flags, though the item's attributes hold
most of them too): a release before this one reads these documents, so a rollback loses nothing."""

from __future__ import annotations

from typing import Any

from ebox.adapters.tables.message_items import MessageItem
from ebox.domain.message import LANGUAGES, Message
from ebox.domain.records import message_to_record

# Fields that ebox.domain.records.message_from_record reads with a default, at that default.
_DEFAULTS: dict[str, Any] = {"senderPartition": None, "body": None, "registeredMailType": None,
                             "originalMessageId": None, "forTheAttentionOf": None, "businessData": [],
                             "recipientHasDigitalEbox": True}


def stored_document(message: Message) -> dict[str, Any]:
    """What the item's ``document`` holds of ``message`` (see the module)."""
    record = message_to_record(message)
    document = {name: value for name, value in record.items()
                if not (name in _DEFAULTS and value == _DEFAULTS[name])}
    if message.registered_mail_type != "qualified":
        del document["searchText"]
    document["attachments"] = [{name: value for name, value in attachment.items()
                                if not (name == "title" and value is None)} for attachment in record["attachments"]]
    return document


def message_record(item: MessageItem) -> dict[str, Any]:
    """The message's whole record, from its item."""
    record = {**_DEFAULTS, **(item.document or {})}
    if "searchText" not in record:
        record["searchText"] = {lang: text for lang in LANGUAGES if (text := getattr(item, f"search_{lang}"))}
    return record
