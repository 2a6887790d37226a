"""The messages of a day, for the scheduled notifications: Queries on the sparse day indexes
ByReceiptDay and ByExpirationDay (see tables/message_items.py), never a Scan."""

from __future__ import annotations

import binascii
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

from pynamodb.exceptions import PynamoDBException

from ebox.adapters.aws_errors import raise_classified
from ebox.adapters.inbox_pages import to_message
from ebox.adapters.item_keys import DAY_SHARDS, day_key, facet_keys
from ebox.adapters.stored_document import message_record
from ebox.adapters.tables.message_items import MessageItem
from ebox.domain.encoding import b64url_decode, b64url_encode
from ebox.domain.errors import InvalidInput
from ebox.domain.notification_schedule import BackfillPage, DueMessage, day_of


class DynamoDueMessages:
    def received_on(self, day: date) -> list[DueMessage]:
        return list(self._day(MessageItem.by_receipt_day, day))

    def expiring_on(self, day: date) -> list[DueMessage]:
        return list(self._day(MessageItem.by_expiration_day, day))

    @staticmethod
    def _day(index: Any, day: date) -> Iterator[DueMessage]:
        try:
            for shard in range(DAY_SHARDS):
                for item in index.query(f"{day.isoformat()}#{shard}"):
                    yield DueMessage(item.pk.removeprefix("EBOX#"), item.sk.removeprefix("MSG#"),
                                     item.partition or "GENERAL", bool(item.read_status))
        except PynamoDBException as error:
            raise_classified(error, f"could not read the messages of {day.isoformat()}")

    @staticmethod
    def backfill_index_keys(max_items: int) -> BackfillPage:
        """A one-off migration, not a request path: gives the messages written before an index existed the
        attributes it is keyed on: the day keys (``receipt_day`` / ``expiration_day``), ByInbox's ``inbox`` and
        the inbox's facet keys (``read_key`` … ``expiration_key``, ebox.adapters.item_keys.facet_keys), from
        the item itself.
        A Scan filtered on a missing attribute, so that each run starts afresh and finds only what is left
        (no resume key to carry between runs)."""
        updated = 0
        try:
            for item in MessageItem.scan(_missing_keys(), page_size=1000):
                updated += _backfilled(item)
                if updated >= max_items:
                    return BackfillPage(updated, more=True)
        except PynamoDBException as error:
            raise_classified(error, "the index backfill stopped; run it again: it goes on where it was")
        return BackfillPage(updated, more=False)

    @staticmethod
    def backfill_index_keys_page(resume: str | None, scanned: int) -> BackfillPage:
        """The same backfill one bounded step at a time (``ebox admin index-backfill``, through the API):
        one Scan page of at most ``scanned`` items from ``resume`` (None: the table's start), the messages
        among them that miss a key updated; ``resume`` of the answer is where the next step starts."""
        try:
            start = json.loads(b64url_decode(resume)) if resume else None
        except (ValueError, binascii.Error):
            raise InvalidInput("resume is the value a previous step answered") from None
        if start is not None and not (isinstance(start, dict) and set(start) == {"pk", "sk"}):
            raise InvalidInput("resume is the value a previous step answered")
        try:
            results = MessageItem.scan(_missing_keys(), limit=scanned, page_size=scanned,
                                       last_evaluated_key=start)
            page = next(results.page_iter)
            updated = sum(_backfilled(MessageItem.from_raw_data(raw)) for raw in page.get("Items", []))
        except PynamoDBException as error:
            raise_classified(error, "the index backfill step failed; run it again from the same point")
        last = page.get("LastEvaluatedKey")
        return BackfillPage(updated, more=last is not None,
                            resume=b64url_encode(json.dumps(last).encode()) if last else None)


def _missing_keys() -> Any:
    """A message item that misses an index key added since it was written."""
    return MessageItem.sk.startswith("MSG#") & (
        MessageItem.receipt_day.does_not_exist() | MessageItem.read_key.does_not_exist()
        | MessageItem.inbox.does_not_exist())


def _backfilled(item: MessageItem) -> int:
    """Gives ``item`` the index keys derived from its message (1), or leaves an item without dates (0)."""
    record = message_record(item)
    received, expires = record.get("receiptDate"), record.get("expirationDate")
    if not (isinstance(received, str) and isinstance(expires, str)):
        return 0
    keys = facet_keys(to_message(item))
    item.update(actions=[
        MessageItem.receipt_day.set(day_key(day_of(received), item.message_id)),
        MessageItem.expiration_day.set(day_key(day_of(expires), item.message_id)),
        *(getattr(MessageItem, name).set(value) for name, value in keys.items())])
    return 1
