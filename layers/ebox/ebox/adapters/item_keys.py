"""The attributes of a message item that indexes are keyed on, derived from the message alone (so that
publication, the updates that change them and the one-off backfill write the same values)."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from ebox.domain.message import Message
from ebox.domain.ports import IdempotencyClaim

DAY_SHARDS = 8


def day_key(day: date, message_id: str) -> str:
    """``<YYYY-MM-DD>#<shard>``: a day's messages spread over DAY_SHARDS index partitions, each message
    always in the same one."""
    shard = hashlib.sha256(message_id.encode()).digest()[0] % DAY_SHARDS
    return f"{day.isoformat()}#{shard}"


def ebox_partition_key(enterprise_number: str, partition: str) -> str:
    return f"EBOX#{enterprise_number}#{partition}"


def read_key(enterprise_number: str, read: bool) -> str:
    return f"EBOX#{enterprise_number}#{'READ' if read else 'UNREAD'}"


def hidden_key(enterprise_number: str) -> str:
    """ByVisibility's key, which hidden messages alone carry (sparse; items written before decision 0023 may
    still carry ``EBOX#<n>#VISIBLE``, which nothing reads)."""
    return f"EBOX#{enterprise_number}#HIDDEN"


def facet_keys(message: Message) -> dict[str, Any]:
    """ByInbox's key (the e-Box, on message items only) and the facet indexes' keys (tables/message_items.py):
    one per v2.1 filter, each beginning with the e-Box."""
    ebox = f"EBOX#{message.recipient}"
    keys = {
        "inbox": ebox,
        "read_key": read_key(message.recipient, message.read_status),
        "type_key": f"{ebox}#{message.message_type_id}",
        "sender_key": f"{ebox}#{message.sender_organization_id}",
        "application_key": f"{ebox}#{message.sender_application_id}",
        "expiration_key": f"{message.expiration_date}#{message.message_id}",
    }
    if message.is_registered_mail:
        keys["registered_ebox"] = ebox
    if not message.visible:
        keys["visibility_key"] = hidden_key(message.recipient)
    return keys


def ebox_key(enterprise_number: str) -> str:
    """An e-Box's partition in the messages table (its messages, counters and downloads)."""
    return f"EBOX#{enterprise_number}"


def message_key(message_id: str) -> str:
    """A message's sort key under its e-Box, and the partition of its evidence, replies and audit lines."""
    return f"MSG#{message_id}"


def idempotency_key(claim: IdempotencyClaim) -> str:
    return f"IDEMPOTENCY#{claim.organization_id}#{claim.application_id}#{claim.key}"
