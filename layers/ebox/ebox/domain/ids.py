"""Identifiers. Message ids are UUIDv7 (RFC 9562): time-ordered, so an e-Box sorts by id."""

from __future__ import annotations

import secrets
import time
import uuid


def new_message_id(now_ms: int | None = None) -> str:
    """A UUIDv7 string whose lexical order follows creation time (millisecond precision)."""
    millis = int(time.time() * 1000) if now_ms is None else now_ms
    rand = secrets.randbits(74)
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version 7
    value |= (rand >> 62) << 64  # 12 random bits
    value |= 0b10 << 62  # RFC 9562 variant
    value |= rand & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))


def new_attachment_id() -> str:
    return secrets.token_hex(8)


def new_status_id() -> str:
    return str(uuid.uuid4())
