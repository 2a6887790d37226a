"""Identifiers. Message ids are UUIDv7 (RFC 9562): time-ordered, so an e-Box sorts by id."""

from __future__ import annotations

import hashlib
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


def first_message_id_at(millis: int) -> str:
    """The smallest UUIDv7 of the millisecond ``millis``: ids below it were made before it (a key bound)."""
    return str(uuid.UUID(int=(max(millis, 0) & ((1 << 48) - 1)) << 80))


def new_attachment_id() -> str:
    return secrets.token_hex(8)


def document_key(message_id: str, attachment_id: str) -> str:
    """Where a published document's bytes live in the content bucket (written once, never copied)."""
    return f"messages/{message_id}/attachments/{attachment_id}"


def attachment_id_of(message_id: str, key: str) -> str | None:
    """The attachment id of a document received straight at its final key; None for any other key."""
    prefix = document_key(message_id, "")
    rest = key.removeprefix(prefix)
    return rest if rest != key and rest and "/" not in rest else None


def new_status_id() -> str:
    return str(uuid.uuid4())


def line_message_id(received_ms: int, run: str, line: int) -> str:
    """The message id of a bulk line: a UUIDv7 of the chunk's first delivery, its random bits drawn from the
    run and the line, so that every delivery of the chunk names the same message (a retried write lands on
    the same keys, never beside them)."""
    seed = int.from_bytes(hashlib.sha256(f"{run}:{line}".encode()).digest()[:10], "big")
    value = (received_ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((seed >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= seed & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))
