"""The messages of a day, for the scheduled notifications: Queries on the sparse day indexes
ByReceiptDay and ByExpirationDay (see tables.py), never a Scan."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from pynamodb.exceptions import PynamoDBException

from ebox.adapters.tables import MessageItem
from ebox.domain.errors import TransientError

DAY_SHARDS = 8


def day_key(day: date, message_id: str) -> str:
    """``<YYYY-MM-DD>#<shard>``: a day's messages spread over DAY_SHARDS index partitions, each message
    always in the same one."""
    shard = hashlib.sha256(message_id.encode()).digest()[0] % DAY_SHARDS
    return f"{day.isoformat()}#{shard}"


@dataclass(frozen=True)
class DueMessage:
    """What a day index tells of a message: whose, which partition, read or not."""

    enterprise_number: str
    message_id: str
    partition: str
    read: bool


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
