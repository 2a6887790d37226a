"""The messages of a day, for the scheduled notifications: Queries on the sparse day indexes
ByReceiptDay and ByExpirationDay (see tables.py), never a Scan."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date
from typing import Any

from pynamodb.exceptions import PynamoDBException

from ebox.adapters.tables import MessageItem
from ebox.domain.errors import TransientError
from ebox.domain.notification_schedule import BackfillPage, DueMessage, day_of

DAY_SHARDS = 8


def day_key(day: date, message_id: str) -> str:
    """``<YYYY-MM-DD>#<shard>``: a day's messages spread over DAY_SHARDS index partitions, each message
    always in the same one."""
    shard = hashlib.sha256(message_id.encode()).digest()[0] % DAY_SHARDS
    return f"{day.isoformat()}#{shard}"


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
            raise TransientError(f"could not read the messages of {day.isoformat()}") from error

    @staticmethod
    def backfill_day_keys(max_items: int) -> BackfillPage:
        """A one-off migration, not a request path: gives the messages written before the day indexes
        existed their ``receipt_day`` / ``expiration_day``. A Scan filtered on the missing attribute, so that
        each run starts afresh and finds only what is left (no resume key to carry between runs)."""
        updated = 0
        try:
            for item in MessageItem.scan(MessageItem.sk.startswith("MSG#") & MessageItem.receipt_day.does_not_exist(),
                                         page_size=1000):
                record = item.document or {}
                received, expires = record.get("receiptDate"), record.get("expirationDate")
                if not (isinstance(received, str) and isinstance(expires, str)):
                    continue
                item.update(actions=[
                    MessageItem.receipt_day.set(day_key(day_of(received), item.message_id)),
                    MessageItem.expiration_day.set(day_key(day_of(expires), item.message_id))])
                updated += 1
                if updated >= max_items:
                    return BackfillPage(updated, more=True)
        except PynamoDBException as error:
            raise TransientError("the day-index backfill stopped; run it again: it goes on where it was") from error
        return BackfillPage(updated, more=False)
