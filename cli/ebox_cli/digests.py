"""SHA-256 digests as the e-Box writes them (base64url, no padding), and as HTTP headers carry them."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping

# RFC 9530 `Repr-Digest: sha-256=:<base64>:` and the older RFC 3230 `Digest: sha-256=<base64>`.
_HEADER_VALUE = re.compile(r"(?:^|,)\s*sha-256=:?([A-Za-z0-9+/_=-]+):?\s*(?:,|$)", re.IGNORECASE)


def sha256_b64url(data: bytes) -> str:
    return b64url(hashlib.sha256(data).digest())


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def header_digest(headers: Mapping[str, str]) -> str | None:
    """The SHA-256 announced by a `Repr-Digest` or `Digest` header, as base64url; None when there is none."""
    for name in ("Repr-Digest", "Digest"):
        value = headers.get(name)
        match = _HEADER_VALUE.search(value) if value else None
        if match:
            return _normalised(match.group(1))
    return None


def _normalised(value: str) -> str:
    """Standard or URL-safe base64, padded or not, as unpadded base64url; unparsable values kept as they are."""
    text = value.replace("+", "-").replace("/", "_").rstrip("=")
    try:
        return b64url(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (binascii.Error, ValueError):
        return value
