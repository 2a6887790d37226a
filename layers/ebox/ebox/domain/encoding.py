"""Base64url without padding (RFC 7515 §2), as JWS, JWK and the e-Box's digests write it; ASCII digits."""

from __future__ import annotations

import base64


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """The bytes of unpadded (or padded) base64url ``text``."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url_to_standard(text: str) -> str:
    """The same bytes in standard, padded base64 (as HTTP's Repr-Digest writes a digest)."""
    return base64.b64encode(b64url_decode(text)).decode("ascii")


def ascii_digits(text: str) -> bool:
    """``text`` is made of 0-9 only (``str.isdigit`` also takes "³" or "٣", which ``int`` refuses or reads)."""
    return text.isascii() and text.isdigit()
